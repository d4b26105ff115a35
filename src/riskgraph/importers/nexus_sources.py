"""What riskgraph knows about each source the AI Atlas Nexus package ships:
which package files hold it, its dataset slug, publisher and licence.

Licences are the real ones where riskgraph knows them (MIT's repository and
mitigation database: CC BY 4.0; OWASP's lists: CC BY-SA 4.0; the package:
Apache-2.0); where neither the package nor riskgraph's checked sources state a
licence, the dataset says "not stated" (never a guess).
"""

from __future__ import annotations

from dataclasses import dataclass

PACKAGE_URL = "https://pypi.org/project/ai-atlas-nexus/1.2.5/"
PACKAGE_REPO = "https://github.com/IBM/ai-atlas-nexus"
# The date riskgraph retrieved the wheel (recorded as data, never the clock).
RETRIEVED = "2026-11-30"

APACHE = "https://www.apache.org/licenses/LICENSE-2.0"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
NOT_STATED = "not stated"

KG = "ai_atlas_nexus/data/knowledge_graph/"
MAPPINGS = "ai_atlas_nexus/data/mappings/"


@dataclass(frozen=True)
class Publisher:
    slug: str  # organisation:<slug>
    label: str


PUBLISHERS = {
    "ibm": Publisher("ibm", "IBM"),
    "mit": Publisher("mit-ai-risk-initiative", "MIT AI Risk Initiative"),
    "nist": Publisher("nist", "NIST"),  # reuses riskgraph's organisation:nist
    "owasp": Publisher("owasp", "OWASP Foundation"),
    "air": Publisher("air-2024-authors", "AIR 2024 authors (Zeng et al.)"),
    "credo": Publisher("credo-ai", "Credo AI"),
    "mlcommons": Publisher("mlcommons", "MLCommons"),
    "eticas": Publisher("eticas", "Eticas"),
    "google": Publisher("google", "Google"),
}


@dataclass(frozen=True)
class Source:
    """One source taxonomy or dataset of the package, written to one Turtle file."""

    slug: str            # dataset:<package-slug>-<slug>, file <slug>.ttl
    title: str
    publisher: str       # key of PUBLISHERS
    files: tuple[str, ...]
    licence: str | None  # licence IRI, or None: not stated
    licence_basis: str   # how riskgraph knows the licence (or that it is not stated)
    attribution: str = ""


_NOT_IN_PACKAGE = ("The package records no licence for this source, and riskgraph's checked "
                   "sources do not state one.")

_OWASP_NOT_IN_PACKAGE = ("OWASP publishes its Top 10 lists under CC BY-SA 4.0; the package "
                         "records no licence for this list.")


def _owasp(slug: str, title: str, file: str, licence_basis: str) -> Source:
    """An OWASP list: CC BY-SA 4.0, whose share-alike binds the converted data too."""
    return Source(slug, title, "owasp", (file,), CC_BY_SA, licence_basis,
                  f"{title}, OWASP Foundation, CC BY-SA 4.0 "
                  "(share-alike: the converted data is under CC BY-SA 4.0 too)")


SOURCES: tuple[Source, ...] = (
    Source("ibm-risk-atlas", "IBM AI Risk Atlas", "ibm",
           ("risk_atlas_data.yaml", "risk_atlas_data_incidents.yaml"), None, _NOT_IN_PACKAGE),
    Source("mit-ai-risk-repository", "MIT AI Risk Repository taxonomies", "mit",
           ("mit_ai_risk_repository_data.yaml",), CC_BY,
           "The MIT AI Risk Repository is published under CC BY 4.0 (airisk.mit.edu); the "
           "package records no licence for it.",
           "Slattery et al., The AI Risk Repository (MIT AI Risk Initiative), CC BY 4.0"),
    Source("mit-ai-risk-mitigations", "MIT AI Risk Mitigation Database and draft mitigation "
           "taxonomy", "mit", ("mit_ai_risk_mitigation_data.yaml",
                               "mit_ai_risk_repository_data_controls.yaml"), CC_BY,
           "The MIT AI Risk Mitigation Database is published under CC BY 4.0 "
           "(airisk.mit.edu); the package records no licence for it.",
           "Saeri et al., Mapping AI Risk Mitigations (MIT AI Risk Initiative), CC BY 4.0"),
    Source("nist-ai-600-1", "NIST AI 600-1 risks and suggested actions", "nist",
           ("nist_ai_rmf_data.yaml", "nist_ai_rmf_actions_data.yaml"), None, _NOT_IN_PACKAGE),
    _owasp("owasp-llm-2025", "OWASP Top 10 for LLM Applications 2025",
           "owasp_llm_2.0_data.yaml", _OWASP_NOT_IN_PACKAGE),
    _owasp("owasp-asi-2026", "OWASP Top 10 for Agentic Applications 2026",
           "owasp_asi_data.yaml", _OWASP_NOT_IN_PACKAGE),
    _owasp("owasp-ast10", "OWASP Agentic Skills Top 10", "owasp_ast10_data.yaml",
           "The package records CC BY-SA 4.0 for this list (hasLicense license-cc-by-sa-4.0)."),
    Source("air-2024", "AIR 2024 AI risk taxonomy", "air",
           ("air_2024_data.yaml",), None, _NOT_IN_PACKAGE),
    Source("credo-ucf", "Credo AI Unified Control Framework", "credo",
           ("credo.yaml",), None, _NOT_IN_PACKAGE),
    Source("ailuminate", "MLCommons AILuminate v1.0 hazard taxonomy", "mlcommons",
           ("ailuminate.yaml",), None, _NOT_IN_PACKAGE),
    Source("eticas", "Eticas AI risk taxonomy", "eticas",
           ("eticas_ai_risk_taxonomy_data.yaml",), None, _NOT_IN_PACKAGE),
    Source("granite-guardian", "IBM Granite Guardian risk dimensions", "ibm",
           ("granite_guardian_dimensions.yaml",), None, _NOT_IN_PACKAGE),
    Source("shieldgemma", "ShieldGemma harm types", "google",
           ("shieldgemma_dimensions.yaml",), None, _NOT_IN_PACKAGE),
)

# Package files riskgraph leaves out, and why (listed in the import report).
NOT_IMPORTED = {
    "ai_commons_data.yaml": "licence, modality and task vocabulary of the package itself",
    "ai_eval_data.yaml": "benchmark evaluations and their datasets, not risks or mitigations",
    "ai_eval_granite_4_2_data.yaml": "benchmark evaluations of one model family",
    "aiuc1_data.yaml": "AIUC-1 certification requirements (rules), not a risk taxonomy",
    "csiro_rai.yaml": "stakeholder list",
    "datasets.yaml": "benchmark datasets",
    "hf_ml_tasks.yaml": "machine-learning task list",
    "ibm_capabilities_data.yaml": "AI capability taxonomy, not risks",
    "ibm_factuality.yaml": "model adapters",
    "ibm_granite_3_instruct_data.yaml": "model cards and evaluation results",
    "ibm_granite_4_1_models_data.yaml": "model cards and evaluation results",
    "ibm_granite_4_2_models_data.yaml": "model cards and evaluation results",
    "ibm_granite_guardian_models.yaml": "model cards",
    "principles_australia.yaml": "AI principles, not risks",
    "principles_ibm_trust.yaml": "AI principles, not risks",
    "principles_oecd.yaml": "AI principles, not risks",
    "principles_un.yaml": "AI principles, not risks",
    "shieldgemma_models.yaml": "model cards",
}
