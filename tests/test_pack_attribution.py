"""What a source text quotes and from which work (content.attribution), on small texts:
block passages between a lead-in and the line naming their work, passages in quotation
marks with a work in brackets after them, and the narrator's prose left out."""

from __future__ import annotations

from bot.content.attribution import is_attribution, quoted_passages, same_work

TEXT = """\
The narrator sets the scene. Nobody is quoted here.

"The first words of the speech", she wrote,

We came, we read, we argued.

And we stayed until the end.

Notes of a Circle

The narrator goes on, in her own words, to explain what followed.

This paragraph of narration stands right before a work's name, with no lead-in.

A Second Book

The committee called it "a school for the whole working class of the town" (Minutes, June 1920), and "lefts" too.

"Too short", he said.
"""


def test_blocks_and_quotation_marks_are_found_with_their_work_and_author() -> None:
    found = [(p.kind, p.text, p.work, p.author) for p in quoted_passages(TEXT)]
    assert found == [
        ("inline", "The first words of the speech", "Notes of a Circle", None),
        ("block", "We came, we read, we argued.", "Notes of a Circle", None),
        ("block", "And we stayed until the end.", "Notes of a Circle", None),
        (
            "block",
            "This paragraph of narration stands right before a work's name, with no lead-in.",
            "A Second Book",
            None,
        ),
        ("inline", "a school for the whole working class of the town", "Minutes, June 1920", None),
    ]


def test_the_lead_in_names_the_author() -> None:
    text = "“It has begun at last”, wrote Serge,\n\nThe rest of it.\n\nFrom Lenin to Stalin\n"
    assert [(p.text, p.author) for p in quoted_passages(text)] == [
        ("It has begun at last", "Serge"),
        ("The rest of it.", "Serge"),
    ]
    text = "Then Trotsky explains:\n\nThe masses were tired.\n\nMy Life\n"
    assert [(p.text, p.author, p.work) for p in quoted_passages(text)] == [
        ("The masses were tired.", "Trotsky", "My Life")
    ]


def test_what_counts_as_the_name_of_a_work() -> None:
    assert is_attribution("From Lenin to Stalin")
    assert is_attribution("The Revolution Betrayed")
    assert not is_attribution("Continue to Chapter Sixteen")
    assert not is_attribution("This struggle was cut across by new upheavals internationally.")
    assert not is_attribution("the end")


def test_two_names_of_one_work_agree() -> None:
    assert same_work("Resolution, March 1926", "Resolution of ECCI, March 1926")
    assert same_work("My Life", "my life")
    assert not same_work("My Life", "The Revolution Betrayed")
    assert not same_work("", "My Life")
