"""Synthetic SLA content: N entries spread over every section, valid per the section registry.

The content is deterministic (a seeded generator), so two runs measure the same bytes. Names use a
small vocabulary, so a one-word search hits about 1.5 % of the terms, as a real glossary search does.
"""
import random
from dataclasses import dataclass, field

from app.sla.sections import (CHANNELS, COMPARISON_OPERATORS, PERIODS, SCORING_KINDS, SECTION_KEYS,
                              SECTIONS, WEEKDAYS, normalise_fields)

TEAMS = ("marketing", "sales")

# Share of the entries each section gets; every section gets at least one.
SECTION_SHARES = {
    "commitments": 5, "icp": 4, "personas": 6, "buyer_journey": 3, "lifecycle_stages": 3,
    "lead_types": 4, "deal_stages": 3, "lead_statuses": 5, "lead_scoring": 25,
    "connect_attempts": 7, "connect_outcomes": 1, "calendars": 1, "terms": 35,
}

NAME_WORDS = (
    "account", "activation", "adoption", "advocate", "agenda", "alignment", "anchor", "attribution",
    "audience", "backlog", "banner", "benchmark", "blueprint", "booking", "budget", "cadence",
    "campaign", "champion", "channel", "churn", "cohort", "conversion", "coverage", "credit",
    "decision", "demand", "demo", "discount", "discovery", "domain", "enablement", "engagement",
    "enterprise", "event", "expansion", "feedback", "field", "firmographic", "forecast", "funnel",
    "gate", "handoff", "horizon", "intent", "inbound", "influence", "insight", "journey",
    "keystone", "launch", "lead", "lever", "loyalty", "margin", "meeting", "message", "milestone",
    "momentum", "narrative", "nurture", "objection", "offer", "onboarding", "outbound", "partner",
    "persona", "pilot", "pipeline", "playbook", "pricing", "priority", "prospect", "quota",
    "readiness", "referral", "renewal", "retention", "revenue", "routing", "segment", "sequence",
    "signal", "sponsor", "stage", "strategy", "subscriber", "target", "territory", "threshold",
    "touchpoint", "trial", "upsell", "urgency", "value", "velocity", "vertical", "webinar",
    "whitespace", "win", "workflow", "yield", "zone",
)
PROSE_WORDS = (
    "the", "a", "team", "when", "each", "every", "contact", "company", "score", "agreed", "both",
    "sales", "marketing", "within", "days", "after", "before", "lead", "qualified", "review",
    "owner", "must", "should", "record", "crm", "field", "update", "quarter", "weekly", "report",
    "handover", "accepted", "rejected", "returns", "nurturing", "activity", "email", "call",
    "form", "visit", "pricing", "page", "download", "meeting", "booked", "opportunity", "closed",
    "signal", "threshold", "criteria", "segment", "region", "industry", "employees", "revenue",
    "product", "service", "renewal", "contract", "value", "first", "second", "response", "hours",
)
QUERY_WORD = "velocity"  # one of NAME_WORDS: the glossary search the benchmark types


@dataclass
class EntrySpec:
    """One entry's column values, ready for Entry(**spec.columns()) or a Core insert."""
    section: str
    key: str
    name: str
    team: str
    definition: str
    position: int = 0
    fields: dict = field(default_factory=dict)

    def columns(self) -> dict:
        return {"section": self.section, "key": self.key, "name": self.name, "team": self.team,
                "definition": self.definition, "position": self.position, "deprecated": False,
                "superseded_by": None, "fields": self.fields}


def section_counts(total: int) -> dict[str, int]:
    """How many entries each section gets out of `total` (at least one each)."""
    if total < len(SECTION_KEYS):
        raise ValueError(f"At least {len(SECTION_KEYS)} entries are needed, one per section.")
    weight = sum(SECTION_SHARES.values())
    counts = {key: max(1, total * SECTION_SHARES[key] // weight) for key in SECTION_KEYS}
    while sum(counts.values()) > total:  # the minimum of one each can overshoot a tiny total
        counts[max(counts, key=counts.get)] -= 1
    counts["terms"] += total - sum(counts.values())
    return counts


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(PROSE_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _definition(rng: random.Random, name: str) -> str:
    """A Markdown definition of 40–80 words, with some emphasis and a list now and then."""
    parts = [f"**{name}** means {_sentence(rng, rng.randint(12, 24))[0].lower()}"
             f"{_sentence(rng, rng.randint(12, 24))[1:]}",
             _sentence(rng, rng.randint(14, 28))]
    if rng.random() < 0.3:
        parts.append("\n".join(f"- {_sentence(rng, rng.randint(4, 8))}" for _ in range(3)))
    return "\n\n".join(parts)


def _phrase(rng: random.Random, words: int = 3) -> str:
    return " ".join(rng.choice(PROSE_WORDS) for _ in range(words))


def _phrases(rng: random.Random) -> list[str]:
    return [_phrase(rng, rng.randint(2, 5)) for _ in range(rng.randint(1, 4))]


def _structured(section: str, rng: random.Random, position: int, refs: dict[str, list[str]]) -> dict:
    """The section's structured fields, each within the registry's kinds, ranges and choices."""
    if section == "commitments":
        from_team, to_team = rng.sample(TEAMS, 2)
        values = {"from_team": from_team, "to_team": to_team, "metric": _phrase(rng, 3),
                  "target": rng.randint(1, 500), "unit": rng.choice(("leads", "hours", "attempts")),
                  "period": rng.choice(PERIODS)}
    elif section == "icp":
        values = {"criteria": [{"attribute": rng.choice(("industry", "employees", "revenue", "region")),
                                "operator": rng.choice(COMPARISON_OPERATORS),
                                "value": str(rng.randint(10, 5000))} for _ in range(rng.randint(1, 3))]}
    elif section == "personas":
        values = {"job_titles": _phrases(rng), "goals": _phrases(rng), "pains": _phrases(rng),
                  "objections": _phrases(rng), "channels": _phrases(rng), "icp": rng.choice(refs["icp"])}
    elif section == "buyer_journey":
        values = {"buyer_questions": _phrases(rng), "content": _phrases(rng), "exit_signal": _phrase(rng, 5)}
    elif section == "lifecycle_stages":
        values = {"owner_team": rng.choice(TEAMS), "entry_criteria": _sentence(rng, 12),
                  "exit_criteria": _sentence(rng, 10),
                  "score_threshold": position * 10 if rng.random() < 0.5 else None}
    elif section == "lead_types":
        values = {"routing": _phrase(rng, 4), "journey_notes": _sentence(rng, 16)}
    elif section == "deal_stages":  # consistent, as submitting requires: closed-won 1, closed-lost 0, open below 1
        closed = rng.random() < 0.2
        probability, won = min(round(rng.random(), 2), 0.99), closed and rng.random() < 0.5
        values = {"probability": (1.0 if won else 0.0) if closed else probability, "is_closed": closed, "is_won": won}
    elif section == "lead_statuses":
        values = {"owner_team": rng.choice(TEAMS),
                  "lifecycle_stages": rng.sample(refs["lifecycle_stages"], min(2, len(refs["lifecycle_stages"]))),
                  "returns_to": rng.choice(TEAMS) if rng.random() < 0.3 else None}
    elif section == "lead_scoring":
        values = {"kind": rng.choice(SCORING_KINDS), "field": rng.choice(("industry", "employees", "page_view")),
                  "operator": rng.choice(COMPARISON_OPERATORS), "value": str(rng.randint(1, 500)),
                  "points": rng.randint(-50, 50)}
    elif section == "connect_attempts":
        values = {"day": rng.randint(0, 30), "channel": rng.choice(CHANNELS), "counts_as_connect": rng.random() < 0.5}
    elif section == "connect_outcomes":
        values = {"counts_as_connect": rng.random() < 0.5}
    elif section == "calendars":
        values = {"timezone": rng.choice(("Asia/Bangkok", "Europe/Berlin", "UTC")), "workdays": list(WEEKDAYS[:5]),
                  "start": "09:00", "end": "18:00",
                  "holidays": sorted({f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(5)})}
    else:  # terms
        values = {"synonyms": _phrases(rng), "related": rng.sample(refs["any"], min(2, len(refs["any"])))}
    return normalise_fields(SECTIONS[section], values)


def build_entries(total: int, seed: int = 7) -> list[EntrySpec]:
    """`total` valid entries over every section; references point at entries made before them."""
    rng = random.Random(seed)
    counts = section_counts(total)
    # Referenced sections first, so every reference has a target in the same version.
    order = ("icp", "lifecycle_stages") + tuple(k for k in SECTION_KEYS if k not in ("icp", "lifecycle_stages"))
    refs: dict[str, list[str]] = {"icp": [], "lifecycle_stages": [], "any": []}
    specs: list[EntrySpec] = []
    serial = 0
    for section in order:
        for position in range(1, counts[section] + 1):
            serial += 1
            first, second = rng.choice(NAME_WORDS), rng.choice(NAME_WORDS)
            name = f"{first.title()} {second} {serial}"
            key = f"{first}-{second}-{serial}"
            spec = EntrySpec(section=section, key=key, name=name, team=rng.choice(TEAMS),
                             definition=_definition(rng, name),
                             position=position if SECTIONS[section].ordered else 0,
                             fields=_structured(section, rng, position, refs))
            specs.append(spec)
            refs["any"].append(key)
            if section in ("icp", "lifecycle_stages"):
                refs[section].append(key)
    return specs


def query_hits(specs: list[EntrySpec], word: str = QUERY_WORD) -> int:
    """How many entries name the word the search types (what a name search should find at least)."""
    return sum(1 for s in specs if word in s.name.lower().split())


# --- a mixed glossary: half the terms named and defined in Thai, written without spaces ----------

THAI_NAME_WORDS = (
    "ลูกค้า", "เป้าหมาย", "ยอดขาย", "การตลาด", "ลีด", "ดีล", "แคมเปญ", "ช่องทาง", "กลุ่ม", "ผู้ซื้อ",
    "ข้อเสนอ", "ราคา", "สัญญา", "บริการ", "สินค้า", "งบประมาณ", "การประชุม", "การติดตาม", "ความสนใจ",
    "คะแนน", "เกณฑ์", "ขั้นตอน", "ทีม", "ผู้ติดต่อ", "อีเมล", "โทรศัพท์", "เว็บไซต์", "คอนเทนต์", "แบรนด์",
    "พันธมิตร", "ตัวแทน", "ภูมิภาค", "อุตสาหกรรม", "องค์กร", "ธุรกิจ", "รายได้", "กำไร", "ส่วนลด",
    "โปรโมชั่น", "การต่ออายุ", "ความพึงพอใจ", "ข้อร้องเรียน", "ความเร็ว", "ระยะเวลา", "รายงาน",
    "แดชบอร์ด", "ความสำคัญ", "ตลาด", "โอกาส", "การสาธิต",
)
THAI_PROSE_WORDS = (
    "ทีม", "ฝ่ายขาย", "ฝ่ายการตลาด", "ต้อง", "ควร", "ติดต่อ", "ภายใน", "วัน", "ชั่วโมง", "หลังจาก", "ก่อน",
    "ทุก", "สัปดาห์", "รายงาน", "บันทึก", "ข้อมูล", "ใน", "ระบบ", "คะแนน", "เกณฑ์", "ส่งต่อ", "รับ",
    "ปฏิเสธ", "ผู้ติดต่อ", "บริษัท", "พนักงาน", "อีเมล", "โทร", "แบบฟอร์ม", "เยี่ยมชม", "หน้า", "ดาวน์โหลด",
    "นัดหมาย", "ประชุม", "ปิด", "การขาย", "มูลค่า", "ครั้งแรก", "ตอบกลับ", "และ", "ที่", "ให้", "ของ",
)
THAI_QUERY_WORD = "ลูกค้า"  # one of THAI_NAME_WORDS, in no prose: the Thai search the benchmark types


def _thai_sentence(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(THAI_PROSE_WORDS) for _ in range(words))


def _thai_definition(rng: random.Random, name: str) -> str:
    """A Thai Markdown definition: clauses of unspaced words, spaces between them as Thai writes."""
    parts = [f"**{name}** หมายถึง{_thai_sentence(rng, rng.randint(12, 24))} {_thai_sentence(rng, rng.randint(12, 24))}",
             " ".join(_thai_sentence(rng, rng.randint(5, 9)) for _ in range(3))]
    if rng.random() < 0.3:
        parts.append("\n".join(f"- {_thai_sentence(rng, rng.randint(4, 8))}" for _ in range(3)))
    return "\n\n".join(parts)


def build_mixed_entries(total: int, seed: int = 7) -> list[EntrySpec]:
    """build_entries(), every other entry renamed and defined in Thai (two words written together
    and its number, e.g. ลูกค้าเป้าหมาย 12); keys stay Latin, as keys are."""
    rng = random.Random(seed + 1)
    specs = build_entries(total, seed)
    for index, spec in enumerate(specs):
        if index % 2 == 0:
            spec.name = f"{rng.choice(THAI_NAME_WORDS)}{rng.choice(THAI_NAME_WORDS)} {index + 1}"
            spec.definition = _thai_definition(rng, spec.name)
    return specs
