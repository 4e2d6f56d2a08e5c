"""Upload forms of the drift page: what HubSpot's API or a Salesforce retrieve gave back, one file per object."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SubmitField


class DriftForm(FlaskForm):
    """Files named by the object they hold; at least one."""

    def uploads(self) -> dict:
        """The files sent, by field name."""
        return {f.short_name: f.data for f in self if f.type == "FileField" and f.data}

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.uploads():
            self.form_errors.append(_l("Choose at least one file."))
            return False
        return True


class HubSpotDriftForm(DriftForm):
    pipelines = FileField(_l("Deal pipelines (JSON)"),
                          description=_l("What GET /crm/v3/pipelines/deals returns, or one pipeline of it."))
    lifecyclestage = FileField(_l("Lifecycle stage property (JSON)"),
                               description=_l("What GET /crm/v3/properties/contacts/lifecyclestage returns."))
    hs_lead_status = FileField(_l("Lead status property (JSON)"),
                               description=_l("What GET /crm/v3/properties/contacts/hs_lead_status returns."))
    submit = SubmitField(_l("Compare with HubSpot"))


class SalesforceDriftForm(DriftForm):
    OpportunityStage = FileField(_l("Opportunity stages (XML)"),
                                 description=_l("The retrieved OpportunityStage StandardValueSet file."))
    LeadStatus = FileField(_l("Lead statuses (XML)"),
                           description=_l("The retrieved LeadStatus StandardValueSet file."))
    submit = SubmitField(_l("Compare with Salesforce"))
