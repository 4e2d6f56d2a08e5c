"""CRM pages for admins: the drift of HubSpot or Salesforce from the agreed exports, by upload."""
from flask import Blueprint

bp = Blueprint("crm", __name__, url_prefix="/admin/crm")

from app.crm import views  # noqa: E402,F401
