"""Build the deployable CloudFormation template and zip, offline.

    python -m devstack.package build [--out build/packaged] [--stage prod] [--region cn-north-1]
    python -m devstack.package lint [build/packaged/sam.json]

`build` runs `chalice package --pkg-format cloudformation --merge-template` with
infra/template.json, after inlining each state machine's ASL file as a
`Definition` object (cfn-lint validates state machines only in that form) and
checking it like the local stack does. chalice's merge is a deep merge by
logical id, so infra/template.json patches resources chalice generates
(TableStream, APIHandler); a logical id that drifted would leave a resource
without a Type, which the build refuses. The result is sam.json +
deployment.zip, deployable with `aws cloudformation package/deploy`.

The zip then gets a compiled file beside every .py (devstack/bytecode.py): Lambda's
code directory is read-only, so without them every cold start compiles everything.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from devstack import naming
from devstack.asl import check_definition
from devstack.bytecode import BytecodeError, add_compiled_files, check_runtime
from devstack.project import PROJECT_ROOT, TEMPLATE_PATH
from devstack.template import STATE_MACHINE_TYPE, inline_definitions, load_template, resources_of_type, substitute

DEFAULT_OUT = PROJECT_ROOT / "build" / "packaged"
DEFAULT_STAGE = "prod"
# cfn-lint exit codes are bit flags: 2 errors, 4 warnings, 8 informational.
LINT_PASSING_CODES = (0, 8)
FUNCTION_TYPE = "AWS::Serverless::Function"


class PackageError(Exception):
    pass


def merge_template(template_path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """infra/template.json with ASL inlined, each definition checked."""
    template = inline_definitions(load_template(template_path), template_path.parent)
    for logical_id, resource in resources_of_type(template, STATE_MACHINE_TYPE).items():
        properties = resource["Properties"]
        # Deploy-time values are intrinsics; any string stands in for the check.
        stand_ins = {key: f"arn:aws:states:::stand-in:{key}" for key in properties.get("DefinitionSubstitutions", {})}
        check_definition(logical_id, substitute(properties["Definition"], stand_ins))
    return template


def build(out: Path = DEFAULT_OUT, stage: str = DEFAULT_STAGE, region: str = naming.DEFAULT_REGION) -> Path:
    """Write `out`/sam.json and `out`/deployment.zip; returns the template's path."""
    out = Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="tuanstack-merge-") as scratch:
        merge_path = Path(scratch) / "template.json"
        merge_path.write_text(json.dumps(merge_template(), indent=2))
        # chalice needs a region to name ARNs even offline; never a profile.
        env = {**os.environ, "AWS_DEFAULT_REGION": region}
        env.pop("AWS_PROFILE", None)
        command = [
            sys.executable, "-c", "import sys; from chalice.cli import main; sys.exit(main())",
            "package", "--stage", stage, "--pkg-format", "cloudformation",
            "--merge-template", str(merge_path), str(out),
        ]
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise PackageError(f"chalice package failed:\n{result.stdout}{result.stderr}")
    template_path = out / "sam.json"
    template = json.loads(template_path.read_text())
    check_merged(template)
    try:
        check_runtime({resource["Properties"]["Runtime"] for resource in resources_of_type(template, FUNCTION_TYPE).values()})
        add_compiled_files(out / "deployment.zip")
    except BytecodeError as error:
        raise PackageError(str(error)) from error
    return template_path


def check_merged(template: dict[str, Any]) -> None:
    untyped = sorted(logical_id for logical_id, resource in template["Resources"].items() if "Type" not in resource)
    if untyped:
        raise PackageError(
            f"infra/template.json patches resources chalice did not generate: {untyped} "
            "(did a function's name in app.py change?)"
        )


def lint(template_path: Path, regions: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """cfn-lint on a template; the process result (returncode is cfn-lint's bit flags)."""
    command = [
        sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())",
        "--regions", *(regions or [naming.DEFAULT_REGION]), "--", str(template_path),
    ]
    return subprocess.run(command, capture_output=True, text=True)


def lint_passed(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode in LINT_PASSING_CODES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.package")
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="write sam.json and deployment.zip")
    build_command.add_argument("--out", type=Path, default=DEFAULT_OUT)
    build_command.add_argument("--stage", default=DEFAULT_STAGE)
    build_command.add_argument("--region", default=naming.DEFAULT_REGION)
    build_command.add_argument("--no-lint", action="store_true")
    lint_command = commands.add_parser("lint", help="cfn-lint a built template")
    lint_command.add_argument("template", type=Path, nargs="?", default=DEFAULT_OUT / "sam.json")
    lint_command.add_argument("--region", default=naming.DEFAULT_REGION)
    args = parser.parse_args(argv)

    if args.command == "build":
        try:
            template_path = build(args.out, args.stage, args.region)
        except PackageError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"wrote {template_path} and {template_path.parent / 'deployment.zip'}")
        if args.no_lint:
            return 0
    else:
        template_path = args.template
    result = lint(template_path, [args.region])
    sys.stdout.write(result.stdout + result.stderr)
    if not lint_passed(result):
        print(f"cfn-lint found problems in {template_path}", file=sys.stderr)
        return 1
    print(f"cfn-lint: {template_path} passes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
