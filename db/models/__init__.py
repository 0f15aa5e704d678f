"""SQLAlchemy 2 models: the whole domain of docs/domain.md, so later work adds behaviour, not tables.

Conventions: codes from `core.domain` are stored as short strings; every editable row carries
`version` (SQLAlchemy's version_id_col), which `core` also compares against the version the user
saw, to refuse a stale edit. Derived figures (days overdue, 久拖不决 reasons) are never stored.
`inspection_kind` and `source_level` are copied onto items from their inspection because the
ledger's filters and aggregates group by them on a million rows.
"""

from db.models.access import *  # noqa: F403
from db.models.base import Base, Versioned, coded  # noqa: F401
from db.models.config import *  # noqa: F403
from db.models.dispatch import *  # noqa: F403
from db.models.interviews import *  # noqa: F403
from db.models.ledger import *  # noqa: F403
from db.models.petitions import *  # noqa: F403
from db.models.reference import *  # noqa: F403
from db.models.referrals import *  # noqa: F403
from db.models.supervision import *  # noqa: F403
