"""Typed models. Import them from here."""
from app.models.accounts import ROLES, LoginAttempt, Team, User, role_at_least
from app.models.content import Entry, Version, VersionState
from app.models.review import Acknowledgement, Approval, AuditEvent, Comment, Setting
from app.models.integrations import ApiToken, Webhook, WebhookAttempt, WebhookDelivery
from app.models.leads import AdherenceAlert, Lead, LeadEvent, LeadImport

__all__ = [
    "ROLES", "role_at_least", "Team", "User", "LoginAttempt",
    "Version", "VersionState", "Entry",
    "Approval", "Comment", "AuditEvent", "Acknowledgement", "Setting",
    "ApiToken", "Webhook", "WebhookDelivery", "WebhookAttempt",
    "Lead", "LeadEvent", "AdherenceAlert", "LeadImport",
]
