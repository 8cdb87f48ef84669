"""SQLAlchemy 2 typed models and the queries that turn rows into domain objects."""


def load_models() -> None:
    """Import every model module so that the metadata knows all tables."""
    from campaign.persistence import (  # noqa: F401
        accounts,
        audit,
        campaigns,
        media,
        messages,
        network,
        pairings,
        play_counts,
        player,
        posters,
        previews,
        reviews,
        schedule,
        state,
    )
