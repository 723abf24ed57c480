"""What a Smaregi webhook delivery carries.

Smaregi signs nothing: the app names a custom header carrying a shared secret in the developer console, and
each delivery says whose it is in ``Smaregi-Contract-Id``, which event in ``Smaregi-Event`` and which delivery
in ``Smaregi-Event-Id`` (repeated by a duplicated delivery). Header names are lower case, as HTTP servers
hand them over.
"""

SECRET_HEADER = "X-Smaregi-Webhook-Secret"
"""The default name of the app-defined shared-secret header (the sandbox's; configurable)."""
CONTRACT_ID_HEADER = "smaregi-contract-id"
EVENT_HEADER = "smaregi-event"
EVENT_ID_HEADER = "smaregi-event-id"
