"""What the bot reads from Chinese text: channel-edge normalisation, facts, the measures a question is about.

Pure Python (standard library, PyYAML, OpenCC, pypinyin, RapidFuzz, cn2an and the `rules` package), so that the
Rasa server (the REST channel, NLU components) and the action server read text the same way.
"""
