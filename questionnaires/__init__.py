"""Questionnaire definitions, shipped as data (TOML files beside this module)."""
