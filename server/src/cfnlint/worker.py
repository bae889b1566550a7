"""Ajar's long-lived cfn-lint worker.

Started once by the language server (or the CLI) with the configured Python interpreter:

    python3 cfnlint-worker.py

It imports cfnlint once, warms it up, and then answers lint requests, so that each lint costs only
cfn-lint's own analysis (no interpreter start, no import, no rule loading).

Protocol (stdin/stdout, LSP-style framing, UTF-8 JSON bodies):

    Content-Length: <byte length>\r\n
    \r\n
    <json>

Worker -> client, unsolicited, once after warm-up:
    {"event": "ready", "version": "1.51.0", "python": "3.11.7", "executable": "...", "warmupMs": 812}
Client -> worker requests, answered in order (the worker is single-threaded):
    {"id": 1, "method": "lint", "params": {...}}  -> {"id": 1, "result": {"matches": [...], "notices": [...], "config": ".cfnlintrc path"|null, "ms": 41, "cpuMs": 40}}
    {"id": 2, "method": "version"}                -> {"id": 2, "result": {"version": ..., "python": ..., "executable": ...}}
    {"id": 3, "method": "shutdown"}               -> {"id": 3, "result": null}, then the worker exits
    anything that fails                           -> {"id": n, "error": {"message": "..."}}
End of stdin also makes the worker exit, so it never outlives the process that started it.

lint params (all optional except text):
    text               the template text (a leading BOM is ignored)
    filename           absolute path of the template; used to find .cfnlintrc and in messages
    root               workspace folder holding the template: the .cfnlintrc search stops there
    configFile         an explicit .cfnlintrc to use instead of the search (like --config-file)
    useConfigFiles     false to ignore ~/.cfnlintrc and project .cfnlintrc (default true)
    regions            default regions when neither .cfnlintrc nor the template Metadata name any
    ignoreChecks       added to (not replacing) the ignore_checks of .cfnlintrc / template Metadata
    includeChecks      added to include_checks (e.g. ["I"] for informational rules)
    mandatoryChecks    added to mandatory_checks
    configureRules     {"E3012": {"strict": true}}: defaults that .cfnlintrc / Metadata may override
    includeExperimental  true to add experimental rules

A match:
    {"rule": "E3012", "level": "error"|"warning"|"informational", "message": "...",
     "start": {"line": 11, "column": 7}, "end": {"line": 11, "column": 19},   # cfn-lint's own:
     "docs": "https://...", "description": "...",                           # 1-based, end-exclusive,
     "path": ["Resources", "Queue", "Properties", "DelaySeconds"] | null}   # columns in code points

Configuration, as the cfn-lint command line reads it: ~/.cfnlintrc (user) merged under a project
.cfnlintrc (project wins), then the template's `Metadata: cfn-lint: config`, which cfn-lint applies
per template, then resource-level `Metadata: cfn-lint: config: ignore_checks` directives. The CLI
reads the project file from its working directory; an editor has none, so the worker takes the
nearest .cfnlintrc (.yaml/.yml) in the template's folder or its parents, up to `root` - the file
`cfn-lint` would read if run from that folder - and resolves the relative paths in it (custom rules,
override spec, parameter files) from that folder, as the CLI run from there would.

Security: the worker never executes anything from the workspace. cfn-lint's `append_rules`
(`--append-rules`) imports Python modules from the directories it names; a .cfnlintrc or template
in an untrusted repository could use it to run arbitrary code the moment a template is opened. The
worker therefore ignores append_rules from every configuration file and from template Metadata
(and says so in the result's notices), and runs only cfn-lint's own rules plus `custom_rules`
files, which are a declarative text format that cfn-lint parses, never imports. The current
directory and '' are removed from sys.path so nothing from the workspace can be imported.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

# --- stdout is the protocol channel: keep a private handle to it and send everything else that
# --- would write to fd 1 (print, warnings, C extensions) to stderr.
_PROTOCOL_OUT = os.fdopen(os.dup(1), "wb")  # buffered: write() never returns short
os.dup2(2, 1)
sys.stdout = sys.stderr
_PROTOCOL_IN = sys.stdin.buffer

# Nothing is imported from the current directory (which may be a workspace).
sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != os.getcwd()]

import logging  # noqa: E402
import warnings  # noqa: E402

logging.basicConfig(stream=sys.stderr, level=logging.ERROR)
warnings.simplefilter("ignore")

CFNLINTRC_NAMES = (".cfnlintrc", ".cfnlintrc.yaml", ".cfnlintrc.yml")
DEFAULT_DOCS = "https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md"


# ------------------------------------------------------------------------------------ framing
def read_frame():
    """Reads one Content-Length framed JSON message; None at end of input."""
    length = None
    while True:
        line = _PROTOCOL_IN.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is None:
                continue  # tolerate stray blank lines between frames
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = b""
    while len(body) < length:
        chunk = _PROTOCOL_IN.read(length - len(body))
        if not chunk:
            return None
        body += chunk
    return json.loads(body.decode("utf-8"))


def write_frame(message) -> None:
    body = json.dumps(message, ensure_ascii=True, separators=(",", ":")).encode("utf-8")
    _PROTOCOL_OUT.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    _PROTOCOL_OUT.flush()


# ------------------------------------------------------------------------------------ cfn-lint
import cfnlint  # noqa: E402
import cfnlint.config  # noqa: E402
import cfnlint.helpers  # noqa: E402
from cfnlint.config import ConfigMixIn  # noqa: E402
from cfnlint.decode.decode import decode_str  # noqa: E402
from cfnlint.exceptions import CfnLintExitException, ConfigFileError  # noqa: E402
from cfnlint.match import Match  # noqa: E402
from cfnlint.rules import Rules  # noqa: E402
from cfnlint.rules.errors import ConfigError, ParseError  # noqa: E402
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # noqa: E402

try:  # the per-file entry point keeps the file name in the template (cfn-lint >= 1.0)
    from cfnlint.runner.template.runner import _run_template as _run_template_impl  # noqa: E402
except ImportError:  # pragma: no cover
    _run_template_impl = None
from cfnlint.runner.template import run_template_by_data  # noqa: E402

try:
    from cfnlint.version import __version__ as CFNLINT_VERSION  # noqa: E402
except ImportError:  # pragma: no cover
    CFNLINT_VERSION = getattr(cfnlint, "__version__", "unknown")

_DEFAULT_RULES_MODULE = "cfnlint.rules"
_default_rules = None  # cfn-lint's own rules, loaded once (about 0.6 s)
_custom_rules_cache = {}  # (path, mtime) -> Rules


def default_rules() -> Rules:
    global _default_rules
    if _default_rules is None:
        _default_rules = Rules.create_from_directory(cfnlint.config._DEFAULT_RULESDIR)
    return _default_rules


def rules_for(custom_rules_file):
    """cfn-lint's rules, plus the rules of a custom_rules text file (parsed, never imported)."""
    if not custom_rules_file:
        return default_rules()
    path = os.path.abspath(os.path.expanduser(custom_rules_file))
    key = (path, os.path.getmtime(path))
    cached = _custom_rules_cache.get(key)
    if cached is None:
        cached = Rules(default_rules().data)
        cached.update(Rules.create_from_custom_rules_file(path))
        _custom_rules_cache.clear()
        _custom_rules_cache[key] = cached
    return cached


class WorkerConfig(ConfigMixIn):
    """cfn-lint's configuration for one request.

    cfn-lint's own precedence between the config files and the template Metadata applies; the
    editor's settings are folded in on top as unions (checks) or defaults (regions, rule config),
    so a .cfnlintrc or `Metadata: cfn-lint` keeps working as it does on the command line.
    """

    def __init__(self, user_config, project_config, settings):
        self._ajar_paths = (user_config or "", project_config or "")
        self._ajar = settings
        super().__init__([])

    # Which files ConfigFileArgs loads: ours, not the process's cwd.
    def _find_config(self):
        return self._ajar_paths

    # Never load Python rule modules named by configuration (see the module docstring).
    @property
    def append_rules(self):
        return [cfnlint.config._DEFAULT_RULESDIR]

    @property
    def ignore_checks(self):
        return list(super().ignore_checks) + list(self._ajar.get("ignoreChecks") or [])

    @property
    def include_checks(self):
        return list(super().include_checks) + list(self._ajar.get("includeChecks") or [])

    @property
    def mandatory_checks(self):
        return list(super().mandatory_checks) + list(self._ajar.get("mandatoryChecks") or [])

    @property
    def include_experimental(self):
        return bool(super().include_experimental) or bool(self._ajar.get("includeExperimental"))

    @property
    def configure_rules(self):
        merged = {}
        for rule_id, values in (self._ajar.get("configureRules") or {}).items():
            merged[rule_id] = dict(values)
        for rule_id, values in (super().configure_rules or {}).items():
            merged.setdefault(rule_id, {}).update(values)
        return merged

    @property
    def regions(self):
        named = self._get_argument_value("regions", True, True)
        if not named and self._ajar.get("regions"):
            named = list(self._ajar["regions"])
        if not named:
            return [os.environ.get("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))]
        if "ALL_REGIONS" in named:
            return list(cfnlint.helpers.REGIONS)
        return named



def find_user_config():
    home = os.path.expanduser("~")
    for name in CFNLINTRC_NAMES:
        path = os.path.join(home, name)
        if os.path.isfile(path):
            return path
    return None


def find_project_config(filename, root):
    """Nearest .cfnlintrc from the template's folder up to root (or the file system root)."""
    if not filename:
        start = root
    else:
        start = os.path.dirname(os.path.abspath(filename))
    if not start:
        return None
    stop = os.path.abspath(root) if root else None
    current = os.path.abspath(start)
    while True:
        for name in CFNLINTRC_NAMES:
            path = os.path.join(current, name)
            if os.path.isfile(path):
                return path
        if stop is not None and os.path.normcase(current) == os.path.normcase(stop):
            return None
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _path_of(match: Match):
    path = getattr(match, "path", None)
    if not isinstance(path, (list, tuple)):
        return None
    return [p if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in path]


def match_to_json(match: Match):
    rule = match.rule
    return {
        "rule": rule.id,
        "level": rule.severity,
        "message": match.message,
        "start": {"line": match.linenumber, "column": match.columnnumber},
        "end": {"line": match.linenumberend, "column": match.columnnumberend},
        "docs": getattr(rule, "source_url", "") or DEFAULT_DOCS,
        "description": getattr(rule, "shortdesc", "") or "",
        "path": _path_of(match),
    }


def config_match(message, filename):
    return Match.create(message=message, filename=filename or "", rule=ConfigError())


def lint(params):
    started = time.perf_counter()
    cpu_started = time.process_time()
    text = params.get("text") or ""
    if text.startswith("\ufeff"):
        text = text[1:]
    filename = params.get("filename") or None
    root = params.get("root") or None
    notices = []

    use_files = params.get("useConfigFiles", True) is not False
    user_cfg = find_user_config() if use_files else None
    project_cfg = params.get("configFile") or (find_project_config(filename, root) if use_files else None)

    try:
        config = WorkerConfig(user_cfg, project_cfg, params)
    except ConfigFileError as e:
        return {"matches": [match_to_json(config_match(str(e), filename))], "notices": [str(e)],
                "config": project_cfg, "ms": _ms(started)}

    if "append_rules" in config.file_args:
        config.file_args.pop("append_rules", None)
        notices.append(
            "append_rules in .cfnlintrc ignored: Ajar never loads Python rules named by a "
            "configuration file (set them up in your own cfn-lint run instead)")

    # Relative paths in the config resolve from the config's folder (the CLI's cwd when run there).
    base = os.path.dirname(os.path.abspath(project_cfg)) if project_cfg else (
        root or (os.path.dirname(os.path.abspath(filename)) if filename else None))
    previous_cwd = os.getcwd()
    if base and os.path.isdir(base):
        os.chdir(base)
    try:
        if filename and _is_ignored_template(filename, config):
            # `ignore_templates` in .cfnlintrc: cfn-lint does not lint this file at all.
            matches = []
            notices.append("template listed in ignore_templates of " + str(project_cfg or "~/.cfnlintrc"))
        else:
            matches = _lint_with_config(text, filename, config, notices)
    finally:
        os.chdir(previous_cwd)
    return {"matches": [match_to_json(m) for m in matches], "notices": notices,
            "config": project_cfg, "ms": _ms(started),
            "cpuMs": round((time.process_time() - cpu_started) * 1000, 1)}


def _is_ignored_template(filename, config):
    try:
        ignored = config._ignore_templates()  # globbed from the current folder, as the CLI does
    except Exception:  # noqa: BLE001
        return False
    target = os.path.normcase(os.path.abspath(filename))
    return any(os.path.normcase(os.path.abspath(p)) == target for p in ignored)


def _lint_with_config(text, filename, config, notices):
    template, parse_matches = decode_str(text)
    if parse_matches:
        # As run_template_by_file_paths does for files.
        if config.ignore_bad_template or not ParseError().is_enabled(
            include_experimental=False,
            ignore_rules=config.ignore_checks,
            include_rules=config.include_checks,
            mandatory_rules=config.mandatory_checks,
        ):
            parse_matches = [m for m in parse_matches if m.rule.id != "E0000"]
        return list(parse_matches)
    if template is None:
        return []

    if isinstance(template, dict):
        meta = template.get("Metadata")
        if isinstance(meta, dict) and isinstance(meta.get("cfn-lint"), dict):
            cfg = meta["cfn-lint"].get("config")
            if isinstance(cfg, dict) and "append_rules" in cfg:
                # cfn-lint itself reads append_rules from files only; never from here either.
                notices.append("append_rules in template Metadata ignored")

    try:
        rules = rules_for(config.custom_rules)
    except Exception as e:  # noqa: BLE001  unreadable or invalid custom rules file
        return [config_match(f"custom_rules {config.custom_rules!r} could not be loaded: {e}", filename)]

    patched = bool(config.override_spec or config.registry_schemas)
    saved_registry = dict(PROVIDER_SCHEMA_MANAGER._registry_schemas) if patched else None
    try:
        if patched:
            # Global state in cfn-lint: applied for this request, undone below.
            from cfnlint.schema import patch as patch_spec

            for path in config.registry_schemas or []:
                PROVIDER_SCHEMA_MANAGER.load_registry_schemas(path)
            if config.override_spec:
                patch_spec(config.override_spec, config.regions)
        if _run_template_impl is not None:
            return list(_run_template_impl(filename, template, config, rules))
        return list(run_template_by_data(template, config, rules))
    except CfnLintExitException as e:  # e.g. an unsupported region in the configuration
        return [config_match(str(e), filename)]
    except SystemExit as e:  # cfn-lint exits on some configuration errors (missing override spec)
        return [config_match(f"cfn-lint configuration error (exit {e.code})", filename)]
    finally:
        if patched:
            PROVIDER_SCHEMA_MANAGER._registry_schemas = saved_registry
            PROVIDER_SCHEMA_MANAGER.reset()


def _ms(started):
    return round((time.perf_counter() - started) * 1000, 1)


def version_info():
    return {
        "version": CFNLINT_VERSION,
        "python": ".".join(str(x) for x in sys.version_info[:3]),
        "executable": sys.executable,
    }


WARMUP_TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: 5
Outputs:
  Arn:
    Value: !GetAtt Bucket.Arn
"""


def warm_up():
    started = time.perf_counter()
    default_rules()
    lint({"text": WARMUP_TEMPLATE, "useConfigFiles": False, "regions": ["us-east-1"]})
    return _ms(started)


def main():
    # Debug/test hooks (never set by Ajar in production): slow down each lint, or fail warm-up.
    delay = float(os.environ.get("AJAR_CFNLINT_WORKER_TEST_DELAY_MS", "0") or 0) / 1000.0
    warmup_ms = warm_up()
    write_frame({"event": "ready", **version_info(), "warmupMs": warmup_ms})
    while True:
        try:
            message = read_frame()
        except (ValueError, json.JSONDecodeError) as e:
            print(f"cfn-lint worker: bad frame: {e}", file=sys.stderr)
            continue
        if message is None:
            return 0
        req_id = message.get("id")
        method = message.get("method")
        try:
            if method == "lint":
                if delay:
                    time.sleep(delay)
                result = lint(message.get("params") or {})
            elif method == "version":
                result = version_info()
            elif method == "shutdown":
                write_frame({"id": req_id, "result": None})
                return 0
            else:
                raise ValueError(f"unknown method {method!r}")
            write_frame({"id": req_id, "result": result})
        except Exception as e:  # noqa: BLE001  one bad request must not end the worker
            traceback.print_exc(file=sys.stderr)
            write_frame({"id": req_id, "error": {"message": f"{type(e).__name__}: {e}"}})


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
    except BrokenPipeError:
        sys.exit(0)
