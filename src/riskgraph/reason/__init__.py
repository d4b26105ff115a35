"""OWL reasoning: HermiT through owlready2 (OWL-RL fallback), class hierarchy, declared terms."""
