"""graphsvc: a knowledge graph for multi-agency child safeguarding.

Every assertion carries its provenance and an access scope; readers see only what their
authorisations allow, and every read and write is audited.
"""

__version__ = "0.1.0"
