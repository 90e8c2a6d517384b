"""Sign-in logic: client secrets, the authorization attempt, pasted input and the loopback listener.

Nothing here imports Textual; the screens call into it (tests/test_architecture.py guards this).
"""
