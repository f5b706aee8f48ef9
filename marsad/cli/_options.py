"""Options several ``marsad`` commands share."""

from __future__ import annotations

import click

from marsad.settings import PAIR_ENCODERS

pair_encoder_option = click.option(
    "--pair-encoder",
    type=click.Choice(PAIR_ENCODERS),
    default="auto",
    show_default=True,
    help="Article-level pair encoder (fine-tuned on same-event ratings): e5-pair, hashing (a test stand-in), none (faster, for bulk backfills), or auto (hashing with the hashing encoder, else e5-pair).",
)

languages_option = click.option(
    "--languages", metavar="CODES",
    help="ISO 639-1 codes language identification chooses among, comma-separated (e.g. ar,en,fr); "
         "by default every language the encoder covers. Text it is unsure of is 'und'.",
)

max_page_option = click.option(
    "--max-page-mb", type=click.FloatRange(0.001, 4096), default=20, show_default=True,
    help="Pages (and JSON Lines or WARC records) larger than this many MiB are refused with an error, not read.",
)


def entity_pieces_option(default: int):
    """``--entity-pieces``, with the command's own default."""
    return click.option(
        "--entity-pieces", type=click.IntRange(-1), default=default, show_default=True,
        help="Word pieces of each Arabic or English article the entity encoder reads beside the CRF (about 0.07 ms each "
             "on one core; entity F1 0.04-0.12 higher); the rest is tagged by the CRF alone. 0: the CRF alone; -1: the whole article.",
    )
