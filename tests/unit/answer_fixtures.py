"""Invented topics for the answer-path tests, built in code (no records read from disk)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.engine import TopicIndex
from bot.core.model import Attribute, TimelineEvent, Topic, WebResult

_WHEN = datetime(2026, 1, 6, 5, 5, 8, tzinfo=UTC)
_RETRIEVED = datetime(2026, 1, 1, 6, 54, 9, tzinfo=UTC)


def make_topic(title: str, description: str, summary: str = "", *, attributes: tuple[Attribute, ...] = (),
               timeline: tuple[TimelineEvent, ...] = (), web: tuple[WebResult, ...] = (),
               aliases: tuple[str, ...] = ()) -> Topic:
    return Topic(title=title, description=description, first_mentioned=_WHEN, last_updated=_WHEN,
                 research_retrieved=_RETRIEVED, summary=summary or description, attributes=attributes,
                 timeline=timeline, web_results=web, aliases=aliases)


def sample_topics() -> list[Topic]:
    return [
        make_topic(
            "Vertical Farming",
            "Vertical farming (CEA), growing crops indoors in stacked layers under LED lights. Discussed for "
            "its energy bills and whether leafy greens from warehouses can compete with field farms.",
            "Vertical farms grow lettuce and herbs in stacked trays with hydroponics and LED lighting.",
            attributes=(
                Attribute("Founded", "The first commercial stacked greenhouse opened in 2012."),
                Attribute("Main Crops", "Lettuce, basil, microgreens and strawberries."),
                Attribute("Energy Use", "Lighting and cooling consume about 40 kilowatt hours per kilogram."),
                Attribute("CEO", "Mara Quill leads the largest operator, Skyleaf."),
            ),
            timeline=(
                TimelineEvent("Skyleaf opens its first warehouse farm in Ohio.", date(2021, 5, 4), "Wikipedia"),
                TimelineEvent("Several operators go bankrupt as power prices rise.", date(2023, 2, 10), "Wikipedia"),
                TimelineEvent("Skyleaf announces a strawberry farm.", date(2025, 9, 1), None),
            ),
            web=(WebResult("Vertical farming - Wikipedia", "Overview.", "https://en.wikipedia.org/wiki/Vertical_farming"),
                 WebResult("Why vertical farms fail", "An essay without a link.")),
        ),
        make_topic(
            "Skyleaf",
            "The indoor farming company Skyleaf, which runs warehouse farms for salad greens in Ohio and Texas.",
            attributes=(Attribute("CEO", "Mara Quill."), Attribute("Headquarters", "Columbus, Ohio.")),
            timeline=(TimelineEvent("Skyleaf raises a Series C round.", date(2024, 3, 3), "Wikipedia"),),
        ),
        make_topic(
            "Ocean Cleanup",
            "Projects that collect floating plastic from the ocean gyres with long barriers and river interceptors.",
            attributes=(Attribute("Plastic Removed", "About 20 million kilograms by 2025."),),
            timeline=(TimelineEvent("The first barrier is deployed in the Pacific.", date(2018, 9, 8), "Wikipedia"),),
            aliases=("Great Pacific Cleanup",),
        ),
        make_topic(
            "Lunar Gateway",
            "A planned space station in lunar orbit (the Gateway) to support crewed missions to the Moon.",
            attributes=(Attribute("Planned Launch", "No earlier than 2027."),
                        Attribute("Partner Agencies", "NASA, ESA, JAXA and the Canadian Space Agency.")),
        ),
        make_topic(
            "Lunar Rovers",
            "Wheeled vehicles driven on the lunar surface, from the Apollo rovers to new commercial designs.",
            attributes=(Attribute("Top Speed", "About 18 kilometres per hour for the Apollo rover."),),
        ),
        make_topic(
            "Cobalt Mining",
            "Mining of cobalt, a battery metal, concentrated in the Democratic Republic of the Congo (DRC).",
            attributes=(Attribute("Largest Producer", "The Democratic Republic of the Congo."),),
        ),
    ]


def sample_index() -> TopicIndex:
    return TopicIndex((topic, None) for topic in sample_topics())
