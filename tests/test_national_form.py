"""The national form declared once (ingest.national_form), read by the parser and written
by the layout generator: every wording the declaration holds is one the parser gives
the declared role, and every generated form is made of the declaration's words."""

import pytest

from perfkg.ingest import national_form as form
from perfkg.ingest.layout.glued import FORM_WORDS
from perfkg.ingest.vocabulary import category_of, field_of, fund_column_of, fund_row_of, role_of
from perfkg.layouts import SeededChooser, generate_form, grid, indicator_header


@pytest.mark.parametrize("column", form.INDICATOR_COLUMNS, ids=lambda c: c.role)
def test_every_declared_head_of_the_indicator_table_is_read_as_its_column(column):
    assert {wording: role_of(wording) for wording in column.wordings} == dict.fromkeys(column.wordings, column.role)


def test_the_identification_funds_goal_and_total_labels_are_read_as_what_they_are():
    assert [field_of(label) for label in form.IDENTIFICATION] == ["project_name", "supervisor", "implementer"]
    assert [fund_column_of(head) for head in form.FUNDS_COLUMNS] == [
        "initial_budget", "budget", "expenditure", "max_score", "rate", "score"]
    assert [fund_row_of(label) for label in form.FUNDS_ROWS] == ["total", "fiscal_appropriation", "carryover", "other"]
    assert [field_of(label) for label in (form.FUNDS_LABEL, form.GOAL_LABEL, form.INDICATORS_LABEL)] == [
        "funds_block", "goal_block", "indicator_block"]
    assert [role_of(head) for head in form.GOAL_COLUMNS] == ["goal", "actual"]
    assert [field_of(label) for label in (form.TOTAL, form.GRADE_LABEL)] == ["self_score", "grade"]


def test_every_declared_category_is_read_at_its_level():
    for level1, level2s in form.CATEGORIES.items():
        assert category_of(level1) == ("level1", level1)
        assert [category_of(level2) for level2 in level2s] == [("level2", level2) for level2 in level2s]


def test_the_glued_cell_splitter_cuts_at_every_word_of_the_form():
    assert set(form.words()) <= set(FORM_WORDS)


def test_a_generated_form_is_written_in_the_declaration_s_words_only():
    declared = set(form.words())
    for seed in range(30):
        drawn = generate_form(SeededChooser(seed))
        assert set(indicator_header(drawn)) <= declared
        labels = {row[0] for row in grid(drawn) if row[0]} - {f"（{drawn.year}年度）"}
        assert labels <= declared, labels - declared
