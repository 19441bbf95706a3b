"""import-linter contract types of our own (registered in .importlinter: `contract_types`).

acyclic_siblings_listed is import-linter's acyclic_siblings contract, reporting every import
it would remove to break the cycles (importer -> imported, line numbers), grouped by package
pair, where the built-in report names only the first five package pairs and no import.
Not bundled into the Lambda zip: `chalice package` takes app.py and chalicelib/ only.
"""

from __future__ import annotations

import grimp
from importlinter.application import output
from importlinter.application.contract_utils import render_broken_contract_guidance
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.domain.contract import ContractCheck


class ListedAcyclicSiblingsContract(AcyclicSiblingsContract):
    type_name = "acyclic_siblings_listed"

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        check = super().check(graph, verbose)
        lines: dict[tuple[str, str], tuple[int, ...]] = {}
        for breakers in check.metadata["cycle_breakers_by_package"].values():
            for importer, imported in breakers:
                details = graph.get_import_details(importer=importer, imported=imported)
                lines[(importer, imported)] = tuple(sorted({d["line_number"] for d in details}))
        check.metadata["line_numbers"] = lines
        return check

    def render_broken_contract(self, check: ContractCheck) -> None:
        lines = check.metadata["line_numbers"]
        for package, breakers in sorted(check.metadata["cycle_breakers_by_package"].items()):
            depth = len(package.split(".")) + 1
            by_pair: dict[tuple[str, str], list[tuple[str, str]]] = {}
            for importer, imported in breakers:
                pair = (".".join(importer.split(".")[:depth]), ".".join(imported.split(".")[:depth]))
                by_pair.setdefault(pair, []).append((importer, imported))
            output.print_error(
                f"No cycles are allowed between the children of {package}. Removing these "
                f"{len(breakers)} imports ({len(by_pair)} package dependencies) would make it acyclic:"
            )
            output.new_line()
            for (downstream, upstream), imports in sorted(by_pair.items()):
                output.print_error(f"{downstream} -> {upstream}:", bold=False)
                for importer, imported in sorted(imports):
                    numbers = ", ".join(str(n) for n in lines.get((importer, imported), ()))
                    output.print_error(f"  - {importer} -> {imported} (l.{numbers})", bold=False)
            output.new_line()
        render_broken_contract_guidance(self.broken_contract_guidance)  # type: ignore[arg-type]
