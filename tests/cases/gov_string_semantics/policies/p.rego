package pmth.qa

import rego.v1

p := data.pmth.registry.personas.p

deny contains "persona missing" if not p
deny contains sprintf("dedent: %v", [p.instructions]) if p.instructions != "Line one.\n  Indented \"q\" and \t tab.\nDollar $ sign.\n"
deny contains sprintf("tone: %v", [p.tone]) if p.tone != "a"
deny contains sprintf("escapes: %v", [p.expertise]) if p.expertise != ["x😀y\\z", "keep  ", "tab\tcr\rnl\n"]
