"""ITPD help desk: a chatbot that answers teachers about their professional training."""

from pathlib import Path

__version__ = "0.1.0"

# The repository root holds the bundled knowledge base (faq/) and catalogs (locales/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
