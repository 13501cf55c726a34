"""The four criteria (đúng, đủ, sạch, sống), the coverage KPI and the backlog: rules, stored verdicts, counters.

Modules: `criteria` (the named rules, pure), `facts` (SQL that gathers what the rules read), `refresh`
(storing verdicts: `refresh_dossier` is the pipeline's hook), `stats` (`compute_stats`, the counters by SQL),
`backlog`, `check` (`stats --check`).
"""

CRITERIA = ("dung", "du", "sach", "song")  # đúng: correct, đủ: complete, sạch: clean, sống: live
