"""The demo SLA: a mid-size maker of packaging machinery that also sells maintenance and parts.

Pure data. `PUBLISHED` is version 1.0.0, section by section, in the shape of the published
document (without `deprecated` and `superseded_by`, which keep their defaults). `DRAFT_CHANGES`
is the open draft of the next version: it only adds entries and rewrites prose, so publishing
it makes a minor version.

Texts are written as indented blocks for legibility; `_md` and `_prose` unwrap them so the
stored Markdown has one line per paragraph or bullet.
"""
from textwrap import dedent


def _md(text: str) -> str:
    """Markdown from an indented block: paragraphs and bullets unwrapped, blank lines kept."""
    blocks = []
    for block in dedent(text).strip().split("\n\n"):
        lines: list[str] = []
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("- ") or not lines:
                lines.append(line)
            else:
                lines[-1] += " " + line
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _prose(text: str) -> str:
    """One line of plain prose from an indented block."""
    return " ".join(dedent(text).split())


EU_CORE_REGIONS = "DACH,Benelux,Nordics,UK & Ireland"

COMMITMENTS = [
    {
        "key": "mql-volume",
        "name": "Monthly MQL volume",
        "team": "marketing",
        "definition": _md("""
            Marketing delivers at least 120 **Marketing Qualified Leads** a month, counted on the
            day a contact enters the MQL stage. Only contacts whose lead score comes from the
            agreed scoring rules count: manual promotions do not.

            The target is split across territories in proportion to each region's quota, and
            marketing shows progress weekly in the pipeline dashboard. If the volume falls more
            than 15% short for two months running, both heads of department meet to revisit the
            campaign plan.
        """),
        "from_team": "marketing",
        "to_team": "sales",
        "metric": "Marketing Qualified Leads delivered",
        "target": 120,
        "unit": "MQLs",
        "period": "month",
    },
    {
        "key": "sql-volume",
        "name": "Monthly SQL volume",
        "team": "marketing",
        "definition": _md("""
            Of the Marketing Qualified Leads it nurtures, marketing hands over at least 30
            **Sales Qualified Leads** a month. An SQL only counts once sales has not returned it
            within 14 days of the hand-over, so the target rewards quality as well as quantity.
        """),
        "from_team": "marketing",
        "to_team": "sales",
        "metric": "Sales Qualified Leads accepted by sales",
        "target": 30,
        "unit": "SQLs",
        "period": "month",
    },
    {
        "key": "sql-follow-up",
        "name": "SQL follow-up time",
        "team": "sales",
        "definition": _md("""
            Sales makes the first connect attempt on every new Sales Qualified Lead within
            **4 business hours** of the hand-over. Business hours are 08:00–18:00 in the lead's
            time zone, Monday to Friday.

            Speed matters most for demo and quote requests: a buyer who asks for a quote today is
            usually asking two other suppliers too. The target is met when 95% of the month's SQLs
            were attempted in time; the CRM timestamps of the hand-over and the first logged call
            or email are the measure.
        """),
        "from_team": "sales",
        "to_team": "marketing",
        "metric": "Time from hand-over to first connect attempt",
        "target": 4,
        "unit": "business hours",
        "period": "month",
    },
    {
        "key": "connect-attempts-per-lead",
        "name": "Connect attempts per SQL",
        "team": "sales",
        "definition": _md("""
            Sales works every Sales Qualified Lead through the full connect sequence of **six
            attempts over 14 days** (calls, emails and a LinkedIn message) before it may set the
            lead status to Returned – not ready or Disqualified.

            A lead returned with fewer attempts logged goes back to the sales engineer, not to
            marketing. This is what lets marketing trust that no hand-raiser is dropped.
        """),
        "from_team": "sales",
        "to_team": "marketing",
        "metric": "Connect attempts logged before a lead is returned",
        "target": 6,
        "unit": "attempts",
        "period": "month",
    },
    {
        "key": "crm-feedback",
        "name": "Lead status kept current",
        "team": "sales",
        "definition": _md("""
            Sales keeps the lead status and deal stage of every handed-over lead current in the
            CRM, with a reason whenever a lead is returned or disqualified or a deal is lost. It
            is checked weekly.

            This is the sales half of closed-loop reporting: without it marketing cannot tell
            which campaigns produce customers, and the lead score cannot be tuned.
        """),
        "from_team": "sales",
        "to_team": "marketing",
        "metric": "Handed-over leads with a current status and reason",
        "target": 95,
        "unit": "% of SQLs",
        "period": "week",
    },
    {
        "key": "pipeline-target",
        "name": "Marketing-sourced pipeline target",
        "team": "marketing",
        "definition": _md("""
            Marketing sources at least **EUR 1.5 million** of new pipeline a quarter: the
            weighted value of opportunities opened from leads whose first touch was a marketing
            campaign. The weighting uses each deal stage's probability, so a quote presented
            counts more than a discovery meeting.
        """),
        "from_team": "marketing",
        "to_team": "sales",
        "metric": "Weighted marketing-sourced pipeline",
        "target": 1_500_000,
        "unit": "EUR",
        "period": "quarter",
    },
]

ICPS = [
    {
        "key": "icp-food-beverage",
        "name": "Mid-market food and beverage manufacturers",
        "team": "marketing",
        "definition": _md("""
            Food and beverage producers running several packaging lines in northern Europe. They
            pack high volumes in few formats, so end-of-line automation (case packing,
            palletising, stretch wrapping) pays back within three years, and their lines run
            long enough to justify a maintenance contract.

            Plants below 200 employees rarely have the volume; groups above 5,000 buy through
            central engineering and global frame contracts, which is a different sale. Our
            machines come with native controls for the platforms listed, which shortens
            commissioning.
        """),
        "criteria": [
            {"attribute": "industry", "operator": "in",
             "value": "food production,beverages,dairy,confectionery,bakery"},
            {"attribute": "employees", "operator": "gte", "value": "200"},
            {"attribute": "employees", "operator": "lte", "value": "5000"},
            {"attribute": "annual_revenue_eur", "operator": "gte", "value": "40000000"},
            {"attribute": "region", "operator": "in", "value": EU_CORE_REGIONS},
            {"attribute": "packaging_lines", "operator": "gte", "value": "3"},
            {"attribute": "technology", "operator": "in",
             "value": "Siemens SIMATIC,Rockwell Allen-Bradley,B&R"},
        ],
    },
    {
        "key": "icp-co-packers",
        "name": "Contract packers",
        "team": "marketing",
        "definition": _md("""
            Contract packers (co-packers) pack other brands' products, often dozens of formats a
            week. What they buy is changeover speed and flexibility: our tool-less format parts
            and recipe-driven machines are the reason they choose us.

            They are smaller than food and beverage manufacturers but replace and extend
            equipment more often, and they depend on fast service: per machine, they are the
            most likely to buy a maintenance contract.
        """),
        "criteria": [
            {"attribute": "industry", "operator": "equals", "value": "contract packaging"},
            {"attribute": "employees", "operator": "gte", "value": "50"},
            {"attribute": "format_changeovers_per_week", "operator": "gte", "value": "10"},
            {"attribute": "region", "operator": "in", "value": EU_CORE_REGIONS},
            {"attribute": "certifications", "operator": "contains", "value": "BRCGS"},
        ],
    },
    {
        "key": "icp-pharma-personal-care",
        "name": "Pharmaceutical and personal-care producers",
        "team": "marketing",
        "definition": _md("""
            Producers of medicines, over-the-counter health products and cosmetics who work to
            GMP. Their deals are larger and slower: every machine needs qualification documents,
            and purchasing runs a formal tender.

            They fit because our cartoners and case packers already integrate serialisation and
            aggregation, and because validated lines are rarely switched to another supplier's
            service once installed.
        """),
        "criteria": [
            {"attribute": "industry", "operator": "in",
             "value": "pharmaceuticals,OTC healthcare,cosmetics,personal care"},
            {"attribute": "employees", "operator": "gte", "value": "250"},
            {"attribute": "annual_revenue_eur", "operator": "gte", "value": "75000000"},
            {"attribute": "region", "operator": "in", "value": EU_CORE_REGIONS},
            {"attribute": "quality_system", "operator": "equals", "value": "GMP"},
            {"attribute": "technology", "operator": "contains", "value": "serialisation"},
        ],
    },
]

PERSONAS = [
    {
        "key": "persona-plant-manager",
        "name": "Petra, the plant manager",
        "team": "marketing",
        "definition": _md("""
            Petra runs a dairy plant with five packaging lines and 300 people. She is measured on
            output, cost per unit and overall equipment effectiveness, and she feels every
            unplanned stop at the end of the line. She starts most equipment projects but does
            not sign them alone: her maintenance manager and the group's purchasing manager have
            a say.

            Petra reads case studies from plants like hers and trusts what she sees running. A
            reference visit or a trial in our test centre moves her more than any brochure.
        """),
        "job_titles": ["Plant Manager", "Head of Production", "Site Operations Director"],
        "goals": [
            "Raise OEE on the packaging lines above 80%",
            "Hit output targets through seasonal peaks",
            "Automate the end of line without adding headcount",
        ],
        "pains": [
            "Micro-stops and jams at the case packer and palletiser",
            "Operators are hard to hire and keep, especially on night shifts",
            "Retailers ask for new pack formats at short notice",
        ],
        "objections": [
            "We cannot stop the line long enough to install new equipment",
            "Our current machines still run; why replace them now?",
            "Your price is higher than the imported machines we were offered",
        ],
        "channels": [
            "Trade fairs (interpack, Anuga FoodTec)",
            "Trade press and industry newsletters",
            "LinkedIn",
            "Reference visits to other plants",
        ],
        "icp": "icp-food-beverage",
    },
    {
        "key": "persona-maintenance-manager",
        "name": "Marco, the maintenance manager",
        "team": "sales",
        "definition": _md("""
            Marco leads six technicians at a contract packer that runs machines from seven
            different makers. He wants fewer breakdowns, spare parts on the shelf and service
            engineers who arrive when promised. He is the person who renews, or cancels, a
            maintenance contract.

            Marco is sceptical of sales talk and respects technical detail: a well-made how-to
            video or a straight answer from a service engineer wins his trust. He also spots
            upgrade needs early, so his requests are a common source of spare-parts and upgrade
            leads.
        """),
        "job_titles": ["Maintenance Manager", "Engineering Manager", "Technical Manager"],
        "goals": [
            "Keep planned work above 80% of maintenance hours",
            "Get critical spare parts within 24 hours",
            "Train technicians to handle changeovers and common faults",
        ],
        "pains": [
            "Ageing machines whose parts are discontinued",
            "Service engineers who take days to arrive",
            "Too many machine brands, each with its own spares",
        ],
        "objections": [
            "Our own technicians can do the maintenance",
            "A contract makes us pay for visits we do not need",
            "Remote access to our machines is a security risk",
        ],
        "channels": [
            "Customer portal and service newsletter",
            "Technical webinars",
            "Service engineer visits",
            "How-to videos",
        ],
        "icp": "icp-co-packers",
    },
    {
        "key": "persona-purchasing-manager",
        "name": "Paula, the purchasing manager",
        "team": "sales",
        "definition": _md("""
            Paula buys capital equipment for a group of pharmaceutical and personal-care plants.
            She joins late, in the decision stage, and her job is to make quotes comparable and
            to protect the budget. She compares suppliers on total cost of ownership when we give
            her the figures, and on list price when we do not.

            She needs clear, complete quotes: installation, qualification documents, training,
            spares and the maintenance contract priced separately, so that nothing surprises
            her after the order.
        """),
        "job_titles": ["Purchasing Manager", "Strategic Buyer – Capex", "Procurement Director"],
        "goals": [
            "Buy on total cost of ownership, not list price",
            "Keep the approved supplier list short and audited",
            "Deliver capital projects on budget",
        ],
        "pains": [
            "Quotes that cannot be compared line by line",
            "Hidden costs in installation, validation and spares",
            "Long delivery times that push projects into the next budget year",
        ],
        "objections": [
            "We need three comparable quotes before we decide",
            "Payment terms must follow our standard 30/60/10 split",
            "Your validation documents must fit our GMP process",
        ],
        "channels": [
            "Supplier portals and tenders",
            "Email",
            "LinkedIn",
            "Purchasing associations",
        ],
        "icp": "icp-pharma-personal-care",
    },
]

BUYER_JOURNEY = [
    {
        "key": "awareness",
        "name": "Awareness",
        "team": "marketing",
        "position": 1,
        "definition": _md("""
            The buyer notices a problem but has not framed it as a project yet: output lost at
            the end of the line, operators hard to find, a retailer demanding a new pack format.
            They look for explanations and benchmarks, not suppliers.

            Marketing owns this stage. Content teaches and does not sell, and most contacts here
            are Subscribers or Leads.
        """),
        "buyer_questions": [
            "Why do we keep losing output at the end of the line?",
            "Is automating palletising worth it at our volumes?",
            "What are other plants doing about the shortage of operators?",
        ],
        "content": [
            "OEE benchmark report for food and beverage plants",
            "Blog: five causes of micro-stops at the case packer",
            "Trade-fair stand and talks",
            "Short customer videos on LinkedIn",
        ],
        "exit_signal": "Downloads a gated guide or registers for a webinar with name, company and role.",
    },
    {
        "key": "consideration",
        "name": "Consideration",
        "team": "marketing",
        "position": 2,
        "definition": _md("""
            The buyer has named the problem and compares ways to solve it: a new line, a retrofit,
            more people, or a better maintenance contract. Several people now take part, usually
            the plant manager and the maintenance manager.

            Marketing still leads, but the lead score rises quickly here and many contacts become
            Marketing Qualified Leads. Content should help them size the project honestly.
        """),
        "buyer_questions": [
            "Which machine type fits our pack formats and line speed?",
            "What does a retrofit cost compared with a new line?",
            "How long will installation stop production?",
        ],
        "content": [
            "Spec sheets and layout drawings",
            "Webinar: planning a line upgrade without downtime",
            "ROI and TCO calculator",
            "Customer reference stories by industry",
        ],
        "exit_signal": "Requests a demo, a line audit or a quote, or uses the ROI calculator with real figures.",
    },
    {
        "key": "decision",
        "name": "Decision",
        "team": "sales",
        "position": 3,
        "definition": _md("""
            The buyer chooses a supplier. Purchasing joins, quotes are compared, and the risks of
            installation and service weigh as much as the machine itself.

            Sales owns this stage: the contact is a Sales Qualified Lead or already part of an
            Opportunity. Marketing supports with references, trial days in our test centre and
            the factory acceptance test plan.
        """),
        "buyer_questions": [
            "Can you prove the machine runs our products at our speed?",
            "What are the delivery time, payment terms and warranty?",
            "Who services the machine, and how fast do they come?",
        ],
        "content": [
            "Product trial in our test centre",
            "Formal quote with layout and TCO",
            "Factory acceptance test plan",
            "Maintenance contract options",
        ],
        "exit_signal": "Signs the order, or tells us they chose another supplier or postponed the project.",
    },
]

LIFECYCLE_STAGES = [
    {
        "key": "subscriber",
        "name": "Subscriber",
        "team": "marketing",
        "position": 1,
        "definition": _md("""
            A contact who has opted in to hear from us (newsletter, blog updates, event news) and
            given little more than an email address. Subscribers get content for the awareness
            stage only; sales does not contact them.
        """),
        "owner_team": "marketing",
        "entry_criteria": _prose("""
            Opted in to the newsletter, blog or event updates with an email address and
            marketing consent.
        """),
        "exit_criteria": _prose("""
            Gives a name, company and role through a form, a trade-fair badge scan or an
            enquiry, and becomes a Lead.
        """),
        "score_threshold": None,
    },
    {
        "key": "lead",
        "name": "Lead",
        "team": "marketing",
        "position": 2,
        "definition": _md("""
            A contact we know enough about to judge fit: name, company and role. Most leads come
            from gated content, webinars and trade fairs. Marketing nurtures leads with content
            matched to their persona and lead type, and the lead score starts counting.

            A lead is not yet a sales conversation. Sales should not call a lead unless it is an
            existing customer asking for service.
        """),
        "owner_team": "marketing",
        "entry_criteria": _prose("""
            A known name, company and role, from a form, a trade-fair scan or an enquiry, with
            marketing consent.
        """),
        "exit_criteria": _prose("""
            Reaches a lead score of 50 (becomes a Marketing Qualified Lead), or is set to
            Disqualified.
        """),
        "score_threshold": None,
    },
    {
        "key": "mql",
        "name": "Marketing Qualified Lead",
        "team": "marketing",
        "position": 3,
        "definition": _md("""
            A Lead whose **lead score** has reached **50**: they fit one of our ideal customer
            profiles and have engaged with consideration-stage content. Marketing still owns an
            MQL and nurtures it until it is ready for sales.

            The score, not anybody's opinion, decides: a salesperson who wants an MQL sooner asks
            marketing to change the scoring rules for everyone. Typical nurture for an MQL:

            - an invitation to a technical webinar or a test-centre open day;
            - spec sheets and a reference story matching the lead type;
            - an offer of a free line audit.
        """),
        "owner_team": "marketing",
        "entry_criteria": _prose("""
            Lead score of 50 or more, with at least 20 points from fit rules, at a company that
            is not a competitor, supplier or school.
        """),
        "exit_criteria": _prose("""
            Lead score reaches 80, or the contact asks for a demo, a quote or a line audit, and
            becomes a Sales Qualified Lead. An MQL whose score stays below 40 for 30 days goes
            back to Lead.
        """),
        "score_threshold": 50,
    },
    {
        "key": "sql",
        "name": "Sales Qualified Lead",
        "team": "sales",
        "position": 4,
        "definition": _md("""
            A Marketing Qualified Lead that clearly wants to talk to sales: its lead score has
            reached **80**, or the contact has asked for a demo, a quote or a line audit. At that
            moment the lead is handed over to the sales engineer for its territory, and sales
            owns it.

            Sales runs the connect sequence and holds a discovery conversation. The outcome is
            one of two: an Opportunity is opened, or the lead goes back to marketing with the
            status Returned – not ready (or Disqualified) and a reason.
        """),
        "owner_team": "sales",
        "entry_criteria": _prose("""
            Lead score of 80 or more, or a demo, quote or line-audit request from a contact at
            an ICP company. Assigned to the sales engineer of the lead's territory.
        """),
        "exit_criteria": _prose("""
            Sales opens an Opportunity after a discovery conversation, or sets the status
            Returned – not ready or Disqualified, with a reason, after the full connect sequence.
        """),
        "score_threshold": 80,
    },
    {
        "key": "opportunity",
        "name": "Opportunity",
        "team": "sales",
        "position": 5,
        "definition": _md("""
            A Sales Qualified Lead with a real project behind it. **An opportunity is opened when
            a discovery meeting is booked** with an SQL who, in a first conversation, has
            confirmed three things:

            - a need our equipment or services meet;
            - a time frame within the next 12 months;
            - a named person who owns the budget.

            A successful connect on its own does not open an opportunity: it only moves the lead
            status to Connected. The deal is created in the CRM at the deal stage Discovery /
            meeting booked, and from then on both teams follow it through the deal stages.
        """),
        "owner_team": "sales",
        "entry_criteria": _prose("""
            A discovery meeting is booked with an SQL who has confirmed a need, a time frame
            within 12 months and a budget owner; the deal is created at Discovery / meeting
            booked.
        """),
        "exit_criteria": _prose("""
            The deal is Closed – won (the contact becomes a Customer) or Closed – lost (the
            contact goes back to Lead for nurturing).
        """),
        "score_threshold": None,
    },
    {
        "key": "customer",
        "name": "Customer",
        "team": "sales",
        "position": 6,
        "definition": _md("""
            A company with at least one deal Closed – won: equipment, a maintenance contract or a
            parts order. Customers are our installed base; their account manager in sales owns
            the relationship, and marketing runs service, upgrade and renewal campaigns to them.

            New enquiries from customers follow the existing-customer lead types, not the path
            of a new prospect.
        """),
        "owner_team": "sales",
        "entry_criteria": "A signed order for equipment, a maintenance contract or spare parts (a deal Closed – won).",
        "exit_criteria": _prose("""
            No order and no active maintenance contract for 36 months: the contact goes back to
            Lead for win-back campaigns.
        """),
        "score_threshold": None,
    },
]

LEAD_TYPES = [
    {
        "key": "new-prospect-equipment",
        "name": "New prospect – equipment",
        "team": "sales",
        "definition": _md("""
            A company that has never bought from us and is looking at new packaging equipment or
            a whole end-of-line system. This is our largest and slowest sale, with the full buyer
            journey and the full lifecycle, from Subscriber to Customer.
        """),
        "routing": "The sales engineer for the prospect's territory, once marketing has nurtured it to SQL.",
        "journey_notes": _prose("""
            Cycles of 6 to 18 months, with the plant manager, the maintenance manager and
            purchasing all involved. Marketing nurtures through awareness and consideration;
            sales runs discovery, a line audit, a trial in the test centre and the quote.
            Reference visits are the strongest accelerator.
        """),
    },
    {
        "key": "customer-maintenance-contract",
        "name": "Existing customer – maintenance contract",
        "team": "sales",
        "definition": _md("""
            A customer who asks about a new maintenance contract, a renewal or an upgrade of the
            service level (for example from inspection visits to full cover with guaranteed
            response times). These leads are recurring revenue and protect our installed base
            from third-party service companies.
        """),
        "routing": "The service sales desk, with the customer's account manager copied.",
        "journey_notes": _prose("""
            Short cycles, triggered by the end of the warranty, a renewal date 90 days ahead or a
            breakdown. Marketing runs renewal and upgrade campaigns to the installed base. A
            contract quote request goes straight to sales without waiting for the MQL threshold.
        """),
    },
    {
        "key": "customer-spare-parts-upgrade",
        "name": "Existing customer – spare parts / upgrade",
        "team": "sales",
        "definition": _md("""
            A customer who needs spare parts, format parts for a new pack size, or an upgrade of
            a machine we supplied (new controls, a faster infeed, a safety retrofit). Parts are
            transactional; upgrades are small projects and can open a conversation about a new
            line.
        """),
        "routing": "The parts desk for spare parts; the account manager for upgrades above EUR 10,000.",
        "journey_notes": _prose("""
            Parts orders come through the customer portal and are never scored. Upgrade
            enquiries skip awareness: the buyer knows the machine and the problem, and
            consideration starts with the machine's serial number and a site visit.
        """),
    },
]

DEAL_STAGES = [
    {
        "key": "discovery-meeting-booked",
        "name": "Discovery / meeting booked",
        "team": "sales",
        "position": 1,
        "definition": _md("""
            The first stage of every opportunity: a discovery meeting or site visit is booked
            with a Sales Qualified Lead who has confirmed a need, a time frame and a budget
            owner. In the meeting the sales engineer maps the line, the products and the people
            who will decide.
        """),
        "probability": 0.1,
        "is_closed": False,
        "is_won": False,
    },
    {
        "key": "developing-quote",
        "name": "Developing quote",
        "team": "sales",
        "position": 2,
        "definition": _md("""
            Sales and application engineering are specifying the solution: layout, pack formats,
            line speed, controls and options. Trials in the test centre happen here, and
            purchasing often sends its formal request for quotation now. The stage ends when a
            priced quote is ready to present.
        """),
        "probability": 0.3,
        "is_closed": False,
        "is_won": False,
    },
    {
        "key": "quote-presented",
        "name": "Quote presented",
        "team": "sales",
        "position": 3,
        "definition": _md("""
            The customer has received the formal quote, and it has been walked through with the
            decision makers, not just emailed. Negotiation of price, payment terms, delivery
            dates and the maintenance contract happens in this stage.
        """),
        "probability": 0.6,
        "is_closed": False,
        "is_won": False,
    },
    {
        "key": "closed-won",
        "name": "Closed – won",
        "team": "sales",
        "position": 4,
        "definition": _md("""
            The customer has signed the order or purchase order. The contact becomes a Customer,
            and the deal's value counts as won revenue for both teams' reporting.
        """),
        "probability": 1.0,
        "is_closed": True,
        "is_won": True,
    },
    {
        "key": "closed-lost",
        "name": "Closed – lost",
        "team": "sales",
        "position": 5,
        "definition": _md("""
            The customer chose another supplier, or decided not to invest. Sales records the
            reason (price, delivery time, specification, competitor, no decision) so marketing
            can learn from it, and the contacts go back to marketing nurturing.
        """),
        "probability": 0.0,
        "is_closed": True,
        "is_won": False,
    },
    {
        "key": "on-hold",
        "name": "On hold",
        "team": "sales",
        "position": 6,
        "definition": _md("""
            The project is real but paused, usually by a budget freeze or a change of plant
            management. Sales sets a date to check in again; a deal on hold for more than six
            months is moved to Closed – lost.
        """),
        "probability": 0.05,
        "is_closed": False,
        "is_won": False,
    },
]

LEAD_STATUSES = [
    {
        "key": "new",
        "name": "New",
        "team": "sales",
        "definition": _md("""
            A Sales Qualified Lead that has just been handed over and not yet worked. No lead
            should keep this status for more than 4 business hours.
        """),
        "owner_team": "sales",
        "lifecycle_stages": ["sql"],
        "returns_to": None,
    },
    {
        "key": "attempting",
        "name": "Attempting to connect",
        "team": "sales",
        "definition": _md("""
            Sales is running the connect sequence and has not reached the person yet. The status
            holds for up to 14 days, the length of the sequence.
        """),
        "owner_team": "sales",
        "lifecycle_stages": ["sql"],
        "returns_to": None,
    },
    {
        "key": "connected",
        "name": "Connected",
        "team": "sales",
        "definition": _md("""
            Sales has reached the person: a live conversation by phone or in a meeting. The next
            step is the discovery conversation that decides whether an Opportunity is opened.
        """),
        "owner_team": "sales",
        "lifecycle_stages": ["sql"],
        "returns_to": None,
    },
    {
        "key": "open-deal",
        "name": "Open deal",
        "team": "sales",
        "definition": _md("""
            An Opportunity has been opened for this lead and the deal is moving through the deal
            stages. Marketing pauses nurture emails, so the buyer hears one voice.
        """),
        "owner_team": "sales",
        "lifecycle_stages": ["opportunity"],
        "returns_to": None,
    },
    {
        "key": "returned-not-ready",
        "name": "Returned – not ready",
        "team": "sales",
        "definition": _md("""
            Sales has connected with a Sales Qualified Lead, or finished the connect sequence,
            and found no project yet: the interest is real but the budget or timing is not. The
            lead goes back to marketing for more nurturing, and its lifecycle stage returns to
            Marketing Qualified Lead.

            Sales must give a reason and, where known, a date to try again. Marketing uses both
            to pick the nurture track.
        """),
        "owner_team": "sales",
        "lifecycle_stages": ["sql", "mql"],
        "returns_to": "marketing",
    },
    {
        "key": "disqualified",
        "name": "Disqualified",
        "team": "sales",
        "definition": _md("""
            The lead is not a fit and will not become one: a competitor, a student, a supplier
            trying to sell to us, or a company far outside our ideal customer profiles. It leaves
            nurturing, and marketing uses the reason to tune the fit rules of the lead score.
        """),
        "owner_team": "sales",
        "lifecycle_stages": ["lead", "mql", "sql"],
        "returns_to": None,
    },
]

LEAD_SCORING = [
    {
        "key": "score-target-industry",
        "name": "Target industry",
        "team": "marketing",
        "definition": _md("""
            A fit rule: the company is in one of the industries of our ideal customer profiles.
            Industry is taken from the company record, enriched from the VAT register where the
            form did not ask.
        """),
        "kind": "fit",
        "field": "industry",
        "operator": "in",
        "value": "food production,beverages,dairy,confectionery,contract packaging,pharmaceuticals,personal care",
        "points": 15,
    },
    {
        "key": "score-company-size",
        "name": "Company of 200 employees or more",
        "team": "marketing",
        "definition": _md("""
            A fit rule: companies of 200 or more employees usually run enough lines to justify
            automation and a maintenance contract. Co-packers are smaller but still fit through
            the industry rule.
        """),
        "kind": "fit",
        "field": "employees",
        "operator": "gte",
        "value": "200",
        "points": 10,
    },
    {
        "key": "score-decision-maker",
        "name": "Decision-making role",
        "team": "marketing",
        "definition": _md("""
            A fit rule: the contact's job level, derived from the job title, is manager or
            above. These are the people our buyer personas describe, who start or sign
            equipment projects, like Petra, the plant manager.
        """),
        "kind": "fit",
        "field": "job_level",
        "operator": "in",
        "value": "manager,director,vice president,c-level",
        "points": 10,
    },
    {
        "key": "score-core-country",
        "name": "Core sales country",
        "team": "marketing",
        "definition": _md("""
            A fit rule: the company is in a country where we have sales engineers and service
            technicians to meet a Sales Qualified Lead in person. Elsewhere we sell through
            distributors, which marketing handles apart.
        """),
        "kind": "fit",
        "field": "country",
        "operator": "in",
        "value": "DE,AT,CH,NL,BE,LU,DK,SE,NO,FI,GB,IE",
        "points": 10,
    },
    {
        "key": "score-student",
        "name": "Student or trainee",
        "team": "marketing",
        "definition": _md("""
            A negative fit rule: students and trainees download a lot of our content for their
            studies. They may stay a Subscriber, but they should never reach sales.
        """),
        "kind": "fit",
        "field": "job_title",
        "operator": "contains",
        "value": "student",
        "points": -40,
    },
    {
        "key": "score-demo-request",
        "name": "Demo or quote request",
        "team": "marketing",
        "definition": _md("""
            An engagement rule: asking for a demo, a trial or a quote is the clearest sign that a
            buyer is ready for sales. Such a request from an ICP company makes the contact a
            Sales Qualified Lead at once; the points make sure the lead score agrees.
        """),
        "kind": "engagement",
        "field": "demo_request",
        "operator": "gte",
        "value": "1",
        "points": 40,
    },
    {
        "key": "score-pricing-page",
        "name": "Repeated pricing page visits",
        "team": "marketing",
        "definition": _md("""
            An engagement rule: two or more visits to the pricing and financing pages in 30 days
            show a buyer moving from consideration towards decision. Visits are counted per
            contact, not per company.
        """),
        "kind": "engagement",
        "field": "pricing_page_visit",
        "operator": "gte",
        "value": "2",
        "points": 15,
    },
    {
        "key": "score-webinar",
        "name": "Webinar attended",
        "team": "marketing",
        "definition": _md("""
            An engagement rule: attending a webinar live or watching the recording for more
            than half its length. Registering without attending adds nothing to the engagement
            score.
        """),
        "kind": "engagement",
        "field": "webinar_attended",
        "operator": "gte",
        "value": "1",
        "points": 10,
    },
    {
        "key": "score-roi-calculator",
        "name": "ROI calculator used",
        "team": "marketing",
        "definition": _md("""
            An engagement rule: the contact filled in the ROI and TCO calculator with their own
            line data. That is a sign that a project is being sized in the consideration stage.
        """),
        "kind": "engagement",
        "field": "roi_calculator_completed",
        "operator": "gte",
        "value": "1",
        "points": 15,
    },
    {
        "key": "score-unsubscribe",
        "name": "Email unsubscribe",
        "team": "marketing",
        "definition": _md("""
            A negative engagement rule: unsubscribing from our emails lowers the lead score. The
            contact may still read the website and raise a hand later, so the lead is not
            disqualified.
        """),
        "kind": "engagement",
        "field": "email_unsubscribe",
        "operator": "gte",
        "value": "1",
        "points": -20,
    },
    {
        "key": "score-inactive",
        "name": "Inactive for 90 days",
        "team": "marketing",
        "definition": _md("""
            A negative engagement rule: no visit, open or click for 90 days. It lets old
            interest fade, so the lead score reflects what a buyer is doing now.
        """),
        "kind": "engagement",
        "field": "days_since_last_activity",
        "operator": "gt",
        "value": "90",
        "points": -15,
    },
]

CONNECT_ATTEMPTS = [
    {
        "key": "attempt-1-call",
        "name": "Attempt 1 – same-day call",
        "team": "sales",
        "position": 1,
        "definition": _md("""
            The sales engineer calls within 4 business hours of the hand-over, with the lead's
            recent activity open in the CRM. If nobody answers, they leave a short voicemail that
            names the content the person looked at.
        """),
        "day": 0,
        "channel": "call",
        "counts_as_connect": True,
    },
    {
        "key": "attempt-2-email",
        "name": "Attempt 2 – personal email",
        "team": "sales",
        "position": 2,
        "definition": _md("""
            A personal email from the sales engineer, not a template blast: it refers to the
            request or the content, offers two meeting slots and links a matching reference
            story. An email is an attempt; only a reply that leads to a call or meeting can
            become a connect.
        """),
        "day": 1,
        "channel": "email",
        "counts_as_connect": False,
    },
    {
        "key": "attempt-3-call",
        "name": "Attempt 3 – second call",
        "team": "sales",
        "position": 3,
        "definition": _md("""
            A second call at a different time of day; plant staff are easiest to reach early in
            the morning, before the first shift meeting. If the person answers, it is a connect
            and the lead status becomes Connected.
        """),
        "day": 3,
        "channel": "call",
        "counts_as_connect": True,
    },
    {
        "key": "attempt-4-social",
        "name": "Attempt 4 – LinkedIn message",
        "team": "sales",
        "position": 4,
        "definition": _md("""
            A LinkedIn connection request with a short, personal note. A reply on LinkedIn is
            welcome but is not a connect: the next step is still a call or a meeting.
        """),
        "day": 5,
        "channel": "social",
        "counts_as_connect": False,
    },
    {
        "key": "attempt-5-call",
        "name": "Attempt 5 – call with offer",
        "team": "sales",
        "position": 5,
        "definition": _md("""
            A third call, this time offering something concrete: a free check of the line's OEE
            or a slot in the test centre. If the call goes to voicemail, the offer goes in the
            message.
        """),
        "day": 9,
        "channel": "call",
        "counts_as_connect": True,
    },
    {
        "key": "attempt-6-email",
        "name": "Attempt 6 – closing email",
        "team": "sales",
        "position": 6,
        "definition": _md("""
            A last, short email saying that we will stop calling and how to reach us when the
            time is right. After it, a lead nobody reached is set to Returned – not ready and
            goes back to marketing.
        """),
        "day": 14,
        "channel": "email",
        "counts_as_connect": False,
    },
]

TERMS = [
    {
        "key": "sla",
        "name": "Service level agreement",
        "team": "marketing",
        "definition": _md("""
            The written agreement between marketing and sales that you are reading: the goals,
            conditions and protocols of how the two teams work together, and the agreed
            definition of every term of the funnel, from Subscriber to Customer. Its commitments
            are what each team promises the other, with numbers.

            Both heads of department sign each version. When the teams stop trusting each
            other's numbers, the answer is to revisit the SLA, not to work around it.
        """),
        "synonyms": ["SLA", "sales and marketing agreement"],
        "related": ["mql-volume", "sql-follow-up", "closed-loop-reporting"],
    },
    {
        "key": "lead-score",
        "name": "Lead score",
        "team": "marketing",
        "definition": _md("""
            A number from the scoring rules that says how ready a contact is for sales. It is the
            sum of the fit score (who they are) and the engagement score (what they do). At 50 a
            Lead becomes a Marketing Qualified Lead; at 80 an MQL becomes a Sales Qualified Lead
            and is handed over.

            Both teams own the rules together. If sales keeps returning leads with high scores,
            the rules are wrong and are changed in the next version of this agreement.
        """),
        "synonyms": ["score", "lead scoring"],
        "related": ["fit-score", "engagement-score", "mql", "sql"],
    },
    {
        "key": "fit-score",
        "name": "Fit score",
        "team": "marketing",
        "definition": _md("""
            The part of the lead score that comes from fit rules: industry, company size,
            country and role. It measures how closely the contact matches our ideal customer
            profiles and buyer personas, and changes only when the contact's data changes.
        """),
        "synonyms": ["profile score", "demographic score"],
        "related": ["lead-score", "icp-food-beverage", "score-target-industry"],
    },
    {
        "key": "engagement-score",
        "name": "Engagement score",
        "team": "marketing",
        "definition": _md("""
            The part of the lead score that comes from engagement rules: what the contact does,
            such as a demo request, pricing page visits or webinars. It rises with interest and
            falls with unsubscribes and inactivity.
        """),
        "synonyms": ["behavioural score", "activity score"],
        "related": ["lead-score", "score-demo-request", "score-inactive"],
    },
    {
        "key": "hand-over",
        "name": "Hand-over",
        "team": "sales",
        "definition": _md("""
            The moment a Marketing Qualified Lead becomes a Sales Qualified Lead and ownership
            passes from marketing to sales. The CRM assigns the lead to the sales engineer of its
            territory, sets the lead status to New and starts the clock on the SQL follow-up
            time.
        """),
        "synonyms": ["handoff", "lead hand-off", "lead passing"],
        "related": ["sql", "new", "sql-follow-up"],
    },
    {
        "key": "connect",
        "name": "Connect",
        "team": "sales",
        "definition": _md("""
            A live, two-way conversation with the lead: a phone call that reaches the person, or
            a meeting. Voicemails, emails, LinkedIn messages and a call answered by a colleague
            are attempts, not connects.

            A connect sets the lead status to Connected. It does not open an Opportunity by
            itself.
        """),
        "synonyms": ["successful connect", "contact made"],
        "related": ["connected", "attempt-1-call", "connect-attempts-per-lead"],
    },
    {
        "key": "installed-base",
        "name": "Installed base",
        "team": "sales",
        "definition": _md("""
            All machines we have supplied that are still in operation, with their serial numbers,
            sites and service history. The installed base is where maintenance contract, spare
            parts and upgrade leads come from, and marketing segments service campaigns by it.
        """),
        "synonyms": ["fleet", "installed machines"],
        "related": ["customer", "customer-maintenance-contract", "customer-spare-parts-upgrade"],
    },
    {
        "key": "maintenance-contract",
        "name": "Maintenance contract",
        "team": "sales",
        "definition": _md("""
            A yearly agreement under which we service a customer's machines. Three levels:

            - **Inspect**: two preventive visits a year and a machine health report;
            - **Care**: inspections plus remote support and a guaranteed 48-hour response;
            - **Full cover**: Care plus parts and labour for repairs and a 24-hour response.

            Contracts renew automatically; renewal campaigns start 90 days before the end date.
        """),
        "synonyms": ["service contract", "service agreement"],
        "related": ["customer-maintenance-contract", "installed-base"],
    },
    {
        "key": "rfq",
        "name": "Request for quotation",
        "team": "sales",
        "definition": _md("""
            A formal request from a buyer's purchasing department for a priced offer against a
            specification, usually sent to several suppliers at once. An RFQ from an unknown
            company goes straight to sales as a Sales Qualified Lead; one that arrives without
            any earlier contact is a sign we were added late, so sales asks for a discovery
            meeting before quoting.
        """),
        "synonyms": ["RFQ", "quote request", "tender"],
        "related": ["persona-purchasing-manager", "developing-quote", "quote-presented"],
    },
    {
        "key": "oee",
        "name": "Overall equipment effectiveness",
        "team": "marketing",
        "definition": _md("""
            The standard measure of how productive a line is: availability × performance ×
            quality, as a percentage. A packaging line at 85% is world class; many plants we
            visit run at 55–65%.

            OEE is the language of the plant manager, so our content for the awareness stage,
            and every quote, express gains in OEE points wherever we can.
        """),
        "synonyms": ["OEE"],
        "related": ["persona-plant-manager", "awareness"],
    },
    {
        "key": "fat",
        "name": "Factory acceptance test",
        "team": "sales",
        "definition": _md("""
            The test of a finished machine at our factory, with the customer present, before it
            ships. It runs the customer's own products and packaging at the agreed speed; the
            final payment milestone and the delivery date depend on passing it.
        """),
        "synonyms": ["FAT"],
        "related": ["closed-won", "decision"],
    },
    {
        "key": "closed-loop-reporting",
        "name": "Closed-loop reporting",
        "team": "marketing",
        "definition": _md("""
            Reporting that follows a lead from its first campaign to a closed deal and back, so
            marketing sees which campaigns produce revenue, not just leads. It only works when
            sales keeps the lead status and deal stage current and records the reason for every
            deal Closed – lost.
        """),
        "synonyms": ["closed-loop marketing", "revenue attribution"],
        "related": ["crm-feedback", "marketing-sourced-pipeline", "closed-lost"],
    },
    {
        "key": "marketing-sourced-pipeline",
        "name": "Marketing-sourced pipeline",
        "team": "marketing",
        "definition": _md("""
            The value of each open Opportunity whose first recorded touch was a marketing campaign
            (a form, a webinar, a trade-fair scan), weighted by each deal stage's probability.
            Deals that start from a salesperson's own prospecting are sales-sourced, even if
            marketing nurtured them later.
        """),
        "synonyms": ["marketing pipeline", "sourced pipeline"],
        "related": ["pipeline-target", "opportunity", "closed-loop-reporting"],
    },
]

PUBLISHED: dict[str, list[dict]] = {
    "commitments": COMMITMENTS,
    "icp": ICPS,
    "personas": PERSONAS,
    "buyer_journey": BUYER_JOURNEY,
    "lifecycle_stages": LIFECYCLE_STAGES,
    "lead_types": LEAD_TYPES,
    "deal_stages": DEAL_STAGES,
    "lead_statuses": LEAD_STATUSES,
    "lead_scoring": LEAD_SCORING,
    "connect_attempts": CONNECT_ATTEMPTS,
    "terms": TERMS,
}

DRAFT_CHANGES: list[dict] = [
    {
        "op": "add",
        "section": "terms",
        "entry": {
            "key": "line-audit",
            "name": "Line audit",
            "team": "sales",
            "definition": _md("""
                A free half-day visit in which a sales engineer and a service technician watch a
                customer's packaging line run and measure its stops and speed. The customer gets
                a short report with the line's overall equipment effectiveness and the three
                biggest losses.

                Asking for a line audit makes a contact a Sales Qualified Lead straight away, and
                the report often becomes the basis of the quote.
            """),
            "synonyms": ["line assessment", "OEE audit"],
            "related": ["oee", "sql", "discovery-meeting-booked"],
        },
    },
    {
        "op": "add",
        "section": "terms",
        "entry": {
            "key": "recycled-lead",
            "name": "Recycled lead",
            "team": "marketing",
            "definition": _md("""
                A lead that sales returned to marketing with the status Returned – not ready and
                that marketing nurtures again. Recycled leads get their own nurture track, built
                on the reason sales gave, and return to sales when their lead score reaches the
                Sales Qualified Lead threshold again.
            """),
            "synonyms": ["returned lead", "recycled MQL"],
            "related": ["returned-not-ready", "mql", "lead-score"],
        },
    },
    {
        "op": "add",
        "section": "personas",
        "entry": {
            "key": "persona-quality-manager",
            "name": "Quentin, the quality and validation manager",
            "team": "marketing",
            "definition": _md("""
                Quentin makes sure every new machine at a pharmaceutical plant can be qualified
                and validated under GMP. He rarely starts a project but can stop one: a supplier
                whose documents do not fit his process is off the list.

                He wants the qualification package early, in the consideration stage, long
                before purchasing asks for quotes.
            """),
            "job_titles": ["Quality Manager", "Validation Manager", "Head of Qualification"],
            "goals": [
                "Qualify new equipment without delaying the project",
                "Pass audits without findings on packaging lines",
            ],
            "pains": [
                "Supplier documents that must be rewritten to fit the plant's templates",
                "Changes after the factory acceptance test that reopen qualification",
            ],
            "objections": [
                "Your documentation package does not follow our validation master plan",
                "We have never validated a machine of this make",
            ],
            "channels": ["Regulatory conferences", "Technical white papers", "Email"],
            "icp": "icp-pharma-personal-care",
        },
    },
    {
        "op": "update",
        "key": "sql",
        "changes": {
            "definition": _md("""
                A Marketing Qualified Lead that is ready to talk to sales. A lead becomes an SQL
                in one of two ways:

                - its **lead score** reaches **80**, from fit and engagement together; or
                - the contact raises a hand: a demo, quote or line-audit request.

                At that moment the hand-over happens: the CRM assigns the lead to the sales
                engineer for its territory, sets the lead status to New, and sales owns it.

                Sales runs the connect sequence and holds a discovery conversation. It ends in
                one of two ways: an Opportunity is opened, or the lead goes back to marketing as
                Returned – not ready (or Disqualified), always with a reason.
            """),
        },
    },
    {
        "op": "update",
        "key": "returned-not-ready",
        "changes": {
            "definition": _md("""
                Sales has finished the connect sequence, or connected and held a discovery
                conversation, and found no project yet: the interest is real but the budget or
                the timing is not. The lead goes back to marketing for more nurturing, and its
                lifecycle stage returns to Marketing Qualified Lead.

                Sales gives a reason from the agreed list (no budget this year, project more
                than 12 months away, wrong contact, other) and, where known, a date to try
                again. Marketing picks the nurture track from both, and the lead returns to
                sales when it scores as a Sales Qualified Lead again.
            """),
        },
    },
    {
        "op": "update",
        "key": "customer-maintenance-contract",
        "changes": {
            "journey_notes": _prose("""
                Short cycles with three triggers: the end of the warranty, a renewal date 90
                days ahead, or a breakdown that a contract would have covered. Marketing runs
                renewal and upgrade campaigns to the installed base, timed by each machine's
                warranty and contract dates. A contract quote request goes straight to sales
                without waiting for the MQL threshold, and the service sales desk answers it
                within one business day.
            """),
        },
    },
]
