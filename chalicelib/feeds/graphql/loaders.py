"""Feed loaders, each one BatchGetItem for a whole page: whether the reader liked
each post; the public profiles of the authors shown."""
from __future__ import annotations

from strawberry.dataloader import DataLoader

from chalicelib.core.graphql.context import Loaders, loader
from chalicelib.feeds import social_store


@loader("liked")
def _liked(loaders: Loaders) -> DataLoader[tuple[str, str], bool]:
    async def load(pairs: list[tuple[str, str]]) -> list[bool]:  # (reader, post)
        by_reader: dict[str, set[str]] = {}
        for reader, post in pairs:
            by_reader.setdefault(reader, set()).add(post)
        liked = {reader: social_store.likes_of(reader, posts) for reader, posts in by_reader.items()}
        return [post in liked[reader] for reader, post in pairs]

    return DataLoader(load_fn=load)


@loader("profiles")
def _profiles(loaders: Loaders) -> DataLoader[str, object | None]:
    async def load(user_ids: list[str]) -> list[object | None]:  # social_store.Profile, or None
        found = social_store.profiles_of(user_ids)
        return [found.get(user_id) for user_id in user_ids]

    return DataLoader(load_fn=load)
