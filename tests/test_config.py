from pathlib import Path

import pytest

from curation.config import Config, ConfigError, config_from_mapping, load_config, with_overrides

REPO = Path(__file__).resolve().parent.parent


def test_shipped_default_config_equals_the_built_in_defaults():
    assert load_config(REPO / "configs" / "default.yaml") == Config()


def test_shipped_dataflow_config_is_valid():
    assert load_config(REPO / "configs" / "dataflow.yaml").runner.name == "dataflow"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"stages": {"extract": {"timeout": 3}}},
         "stages.extract.timeout: unknown key; allowed here: enabled, engine, fallback_below_chars"),
        ({"outptu": {}}, "outptu: unknown key; allowed here: input, output, runner, stages"),
        ({"stages": {"extract": {"timeout_s": -1}}},
         "stages.extract.timeout_s: Input should be greater than 0"),
        ({"stages": {"langid": {"min_score": 1.5}}},
         "stages.langid.min_score: Input should be less than or equal to 1"),
        ({"stages": {"langid": {"thresholds": {"english!": 0.5}}}}, "ISO 639 codes"),
        ({"runner": {"name": "spark"}}, "runner.name: Input should be 'direct', 'dataflow' or 'dask'"),
        ({"output": {"docs_per_shard": 0}},
         "output.docs_per_shard: Input should be greater than or equal to 1"),
    ],
)
def test_bad_config_names_the_key_and_what_is_allowed(data, expected):
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data, "run.yaml")
    assert expected in str(info.value)
    assert str(info.value).startswith("run.yaml: invalid config")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a: [1, 2", "not valid YAML"), ("- 1\n- 2\n", "top level must be a mapping")],
)
def test_unreadable_yaml_is_a_config_error(tmp_path, text, expected):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=expected):
        load_config(path)


def test_overrides_are_validated_too():
    assert with_overrides(Config(), {"output.dir": "x"}).output.dir == "x"
    with pytest.raises(ConfigError, match=r"runner\.direct\.num_workers"):
        with_overrides(Config(), {"runner.direct.num_workers": 0})
