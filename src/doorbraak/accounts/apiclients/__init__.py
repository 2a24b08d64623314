"""API clients (API-koppelingen): system integrations the functional administrator manages.

A client belongs to one organisation and one municipality and acts through its own
service user (no password, no log-in), whose one membership gives it exactly what that
organisation may see: every access rule and the processing log work unchanged, and every
call is logged with the client's name and organisation as actor. Its credential is a
random secret, shown once and stored only as a hash (``credentials``); its scope names the
parts of the API it may call (``scopes``). The administrator's pages are under
``/api-koppelingen/`` (``views``); REST framework authenticates the secret as
``Authorization: Bearer …`` (``authentication``).
"""
