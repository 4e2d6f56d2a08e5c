"""The upload form of /data."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.leads.importing import FORMATS

FORMAT_LABELS = {"accord": _l("Accord's format (one event per row)"),
                 "hubspot-contacts": _l("HubSpot contacts export"),
                 "salesforce-leads": _l("Salesforce lead report")}


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[DataRequired(message=_l("Choose a CSV file."))])
    format = SelectField(_l("Format"), choices=[(f, FORMAT_LABELS[f]) for f in FORMATS])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=40)],
                         description=_l("The system the rows come from (default: import, hubspot or salesforce)."))
    timezone = StringField(_l("Time zone of the file's dates"), default="UTC", validators=[Length(max=64)],
                           description=_l("For dates without an offset, e.g. a HubSpot portal's: Asia/Bangkok."))
    dry_run = BooleanField(_l("Dry run: check the file and show what would be imported, store nothing"))
    submit = SubmitField(_l("Upload and import"))


class SampleForm(FlaskForm):
    """A file of leads to try the draft's scoring on, stored nowhere."""
    file = FileField(_l("CSV file"), validators=[DataRequired(message=_l("Choose a CSV file."))])
    format = SelectField(_l("Format"), choices=[(f, FORMAT_LABELS[f]) for f in FORMATS])
    timezone = StringField(_l("Time zone of the file's dates"), default="UTC", validators=[Length(max=64)])
    submit = SubmitField(_l("Try the draft on this sample"))
