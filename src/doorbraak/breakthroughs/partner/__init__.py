"""What partner contact persons see and answer: the directory, their inbox of requests from
neighbourhood teams, the requests themselves and time-outs (escalation level 2).

The state changes are in :mod:`doorbraak.breakthroughs.services.partners`; the models
(``PartnerRequest``, ``TimeOut``, ``Disclosure``) belong to the breakthrough they serve.
"""
