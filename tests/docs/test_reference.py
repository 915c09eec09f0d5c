"""The generated reference pages list what the code has, so they follow it when it changes."""

from __future__ import annotations

from pathlib import Path

import cli_page
import metrics_page
import pytest
import schema_page
import typer


def test_a_new_cli_option_appears_in_the_cli_reference() -> None:
    app = typer.Typer()

    @app.command("frobnicate")
    def frobnicate(
        level: int = typer.Option(3, "--level", "-l", help="How hard to frobnicate."),
        dry: bool = typer.Option(False, "--dry-run/--for-real", help="Only say what."),
    ) -> None:
        """Frobnicate the widgets."""

    @app.command("other")
    def other() -> None:
        """Another command, so that the app is a group."""

    page = cli_page.render(app, prog="tool")
    assert "## `tool frobnicate`" in page
    assert "| `--level` / `-l` | integer | `3` | How hard to frobnicate. |" in page
    assert "`--dry-run` / `--for-real`" in page
    assert "Frobnicate the widgets." in page


def test_every_bakeoff_command_and_option_is_in_the_cli_reference() -> None:
    app = cli_page.load_app()
    page = cli_page.render(app)
    root = typer.main.get_command(app)
    seen = 0
    for name in root.list_commands(None):  # type: ignore[attr-defined]
        command = root.get_command(None, name)  # type: ignore[attr-defined]
        subs = (
            [(f"{name} {s}", command.get_command(None, s)) for s in command.list_commands(None)]
            if hasattr(command, "list_commands")
            else [(name, command)]
        )
        for title, sub in subs:
            assert f"## `bakeoff {title}`" in page
            section = page.split(f"## `bakeoff {title}`", 1)[1].split("\n## ", 1)[0]
            for param in sub.params:
                for flag in param.opts if param.opts[0].startswith("-") else []:
                    assert f"`{flag}`" in section, (title, flag)
                    seen += 1
    # The run command alone has more than ten options; all commands together far more.
    assert seen > 100


def test_every_study_field_is_in_the_schema_reference_with_its_default() -> None:
    from bakeoff.spec import SplitSpec, StudySpec, TuningSpec

    page = schema_page.render(schema_page.study_schema())
    for model in (StudySpec, SplitSpec, TuningSpec):
        section = page.split(f"({model.__name__})", 1)[1].split("\n## ", 1)[0]
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in section, (model.__name__, name)
    # Defaults written in the README's study file: budgets [full], seeds [0], 50 trials, 5 folds.
    assert '| `budgets` | list of (integer or `"full"`) | `["full"]` |' in page
    # An example in braces survives Markdown's attr_list (which would take it for
    # attributes at the end of a cell and drop it).
    assert "e.g. &#123;zip: categorical&#125;" in page
    assert "| `seeds` | integer or list of integer | `[0]` |" in page  # a count or a list
    tuning = page.split("(TuningSpec)", 1)[1]
    assert "| `n_trials` | integer | `50` |" in tuning
    assert "| `cv` | integer | `5` |" in tuning


def test_every_registered_metric_has_a_section_with_its_code() -> None:
    from bakeoff import metrics

    page = metrics_page.render(metrics_page.registered())
    names = [m.name for m in metrics.list_metrics()]
    assert {"accuracy", "rmse", "csmf_accuracy"} <= set(names)  # the core's and the VA pack's
    for name in names:
        assert f"## `{name}` {{#{name}}}" in page
    accuracy = page.split("## `accuracy`", 1)[1].split("\n## ", 1)[0]
    assert "maximize (higher is better)" in accuracy
    assert "`bakeoff.metrics._builtin.accuracy`" in accuracy
    # Each shipped metric's section gives its formula and where it comes from.
    for metric in metrics.list_metrics():
        section = page.split(f"## `{metric.name}`", 1)[1].split("\n## ", 1)[0]
        if metric.func.__module__ == "bakeoff.metrics._builtin":
            assert " = " in section and "Source:" in section, metric.name
        if metric.func.__module__.startswith("bakeoff."):  # the packs' metrics too
            assert "Source:" in section and "<locals>" not in section, metric.name


def test_the_guide_lists_every_study_field_with_the_default_the_code_has() -> None:
    import re
    from pathlib import Path

    import yaml

    from bakeoff.spec import StudySpec

    guide = (Path(__file__).parents[2] / "docs" / "guide" / "study.md").read_text("utf-8")
    found = re.search(r"## Every field, with its default\n\n```yaml\n(.*?)```", guide, re.S)
    assert found, "the guide's commented study file is gone"
    documented = yaml.safe_load(found.group(1))
    assert set(documented) == {f.alias or n for n, f in StudySpec.model_fields.items()}
    for part in ("split", "tuning", "execution", "artifacts"):
        model = StudySpec.model_fields[part].annotation
        assert model is not None
        for name, field in model.model_fields.items():
            key = field.alias or name
            assert key in documented[part], f"{part}.{key} is not in the guide"
            assert documented[part][key] == field.get_default(call_default_factory=True), (
                f"{part}.{key}: the guide says {documented[part][key]!r}"
            )
    for name in ("seed", "budgets", "seeds", "metrics", "storage", "imports"):
        default = StudySpec.model_fields[name].get_default(call_default_factory=True)
        assert documented[name] == default, name


def test_every_study_field_has_a_description_in_the_schema() -> None:
    schema = schema_page.study_schema()
    parts = {"StudySpec": schema, **schema["$defs"]}
    missing = [
        f"{part}.{key}"
        for part, definition in parts.items()
        for key, prop in definition.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert not missing, f"fields without a description (a docstring under the field): {missing}"
    page = schema_page.render(schema)
    # From the field's own docstring (spec/_fields.py), not from a hand-written page.
    assert "inner cross-validation folds that score each trial" in page


def test_a_new_pack_page_joins_the_domain_studies_by_itself(tmp_path: Path) -> None:
    import reference

    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "va.md").write_text("# Verbal autopsy\n", encoding="utf-8")
    (tmp_path / "packs" / "synthetic.md").write_text("# Synthetic data\n\nText.\n", "utf-8")
    nav = [{"Home": "index.md"}, {"Domain studies": [{"Verbal autopsy": "packs/va.md"}]}]
    config = reference.on_config({"docs_dir": str(tmp_path), "nav": nav})
    assert config["nav"][1]["Domain studies"] == [
        {"Verbal autopsy": "packs/va.md"},
        {"Synthetic data": "packs/synthetic.md"},
    ]


def test_every_public_subpackage_has_a_python_reference_page_in_the_nav() -> None:
    import importlib

    root = Path(__file__).parents[2]
    nav = (root / "mkdocs.yml").read_text(encoding="utf-8")
    # The command line and the packs have their own pages (CLI reference, domain studies).
    names = sorted(
        folder.name
        for folder in (root / "src" / "bakeoff").iterdir()
        if (folder / "__init__.py").is_file() and folder.name not in ("cli", "packs")
    )
    assert {"analysis", "models", "protocol", "store"} <= set(names)
    for name in [*names, "exceptions"]:
        assert hasattr(importlib.import_module(f"bakeoff.{name}"), "__all__"), name
        page = root / "docs" / "reference" / "python" / f"{name}.md"
        assert f"::: bakeoff.{name}" in page.read_text(encoding="utf-8"), name
        assert f"reference/python/{name}.md" in nav, name


def test_the_published_schema_accepts_every_shipped_study_file() -> None:
    # study-schema.json is what editors validate study files with: a field the loader
    # accepts in a form the schema forbids (seeds: 3, a count) would be flagged as an
    # error in every user's editor. The shipped examples use those forms.
    import jsonschema
    import yaml

    schema = schema_page.study_schema()
    examples = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
    assert len(examples) >= 4
    for path in examples:
        study = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(study, schema)
    jsonschema.validate(
        {"study": "s", "datasets": ["iris"], "models": ["ridge"], "seeds": 3}, schema
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"study": "s", "datasets": ["iris"], "models": ["ridge"], "seeds": 0}, schema
        )
