"""Pieces of Rekan's time-phrase reader; the public API is bot.time.reading."""
