"""Program rules, one function per ACCESS NYC program, registered in `RULES` on import."""

from openhhs.screening.rules import food, health, local, tax
from openhhs.screening.rules._base import RULES, ProgramRule, RuleResult, Status

__all__ = ["RULES", "ProgramRule", "RuleResult", "Status", "food", "health", "local", "tax"]
