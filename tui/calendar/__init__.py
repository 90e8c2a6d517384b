"""Calendar logic: events as plain data, and a client for Calendar v3 on googleapiclient.

Nothing here imports Textual or Rich.
"""
