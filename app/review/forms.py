"""Forms of the review page: a comment, a send-back reason, an approval of what was seen."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

COMMENT_MAX = 5_000
REASON_MAX = 2_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", filters=[_strip], validators=[
        DataRequired(message="Write a comment first."),
        Length(max=COMMENT_MAX, message=f"A comment has at most {COMMENT_MAX:,} characters.")],
        description="Markdown: **bold**, *italic*, lists and links.")
    # The service checks the key against the version's entries, with a clearer message.
    entry_key = SelectField("About entry", choices=[("", "The whole version")], validate_choice=False,
                            description="Optional: the entry this comment is about.")
    submit = SubmitField("Post comment")

    def set_entries(self, entries) -> "CommentForm":
        """Offer the version's entries, by name, as what a comment may point at."""
        self.entry_key.choices = [("", "The whole version")] + [
            (e.key, f"{e.name} ({e.key})") for e in sorted(entries, key=lambda e: e.name.casefold())]
        return self


class SendBackForm(FlaskForm):
    reason = TextAreaField("Reason for sending it back", filters=[_strip], validators=[
        DataRequired(message="Give a reason: the editors need to know what to change."),
        Length(max=REASON_MAX, message=f"A reason has at most {REASON_MAX:,} characters.")])
    submit = SubmitField("Send back")


class ApproveForm(FlaskForm):
    # The content hash the approver was shown: approving is refused if the content has moved on.
    content_hash = HiddenField(validators=[DataRequired(message="Reload the review page and approve again.")])
    submit = SubmitField("Approve")
