"""Tests of touchline_bot.config."""
