"""A local stand-in for Google: an oauthlib authorization server and a Calendar v3 emulator.

Tests and the demo mode run the real oauth2client, httplib2 and googleapiclient code against it
over real HTTP on 127.0.0.1.
"""

from tui.sandbox.server import Sandbox

__all__ = ["Sandbox"]
