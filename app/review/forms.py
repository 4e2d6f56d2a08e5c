"""Forms of the review page: a comment, a send-back reason, an approval of what was seen."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

COMMENT_MAX = 5_000
REASON_MAX = 2_000
WHOLE_VERSION = _l("The whole version")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), filters=[_strip], validators=[
        DataRequired(message=_l("Write a comment first.")),
        Length(max=COMMENT_MAX,
               message=_l("A comment has at most %(count)s characters.", count=format(COMMENT_MAX, ",")))],
        description=_l("Markdown: **bold**, *italic*, lists and links."))
    # The service checks the key against the version's entries, with a clearer message.
    entry_key = SelectField(_l("About entry"), choices=[("", WHOLE_VERSION)], validate_choice=False,
                            description=_l("Optional: the entry this comment is about."))
    submit = SubmitField(_l("Post comment"))

    def set_entries(self, entries) -> "CommentForm":
        """Offer the version's entries, by name, as what a comment may point at."""
        self.entry_key.choices = [("", WHOLE_VERSION)] + [
            (e.key, f"{e.name} ({e.key})") for e in sorted(entries, key=lambda e: e.name.casefold())]
        return self


class SendBackForm(FlaskForm):
    reason = TextAreaField(_l("Reason for sending it back"), filters=[_strip], validators=[
        DataRequired(message=_l("Give a reason: the editors need to know what to change.")),
        Length(max=REASON_MAX,
               message=_l("A reason has at most %(count)s characters.", count=format(REASON_MAX, ",")))])
    submit = SubmitField(_l("Send back"))


class ApproveForm(FlaskForm):
    # The content hash the approver was shown: approving is refused if the content has moved on.
    content_hash = HiddenField(validators=[DataRequired(message=_l("Reload the review page and approve again."))])
    submit = SubmitField(_l("Approve"))
