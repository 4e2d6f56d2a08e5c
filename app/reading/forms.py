"""The acknowledgement form: a button that names the version, with CSRF."""
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length


class AcknowledgeForm(FlaskForm):
    version = HiddenField(validators=[DataRequired(), Length(max=20)])
    next = HiddenField(validators=[Length(max=2000)])
