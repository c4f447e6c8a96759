# A tiny project for the glue of ppp_atlas.sphinx_glue (tests/test_sphinx_glue.py): a notebook with
# saved outputs (not executed) and a page that pastes its values from another document.
extensions = ["myst_nb", "ppp_atlas.sphinx_glue"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
suppress_warnings = ["config.cache"]
