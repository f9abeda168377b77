"""The pure core of Topicbot: records, storage, matching, answering and rendering.

Nothing under ``bot.core`` imports ``discord``; front ends adapt to it, never the reverse.
"""
