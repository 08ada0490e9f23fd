"""Customer notifications: an outbox of e-mail and SMS, written with the change that
caused it and delivered by senders (SendGrid or SMTP for e-mail, Twilio for SMS).

- ``message``: the outbox document and its deterministic ids;
- ``content``: the words of each kind of message (plain text, HTML, SMS);
- ``writer``: observers of domain events that queue messages, the catch-up
  after a crash and the reminders;
- ``delivery``: claiming due messages under a lease, retries with backoff;
- ``senders``: what a provider offers and which are configured; the providers in
  ``email_sendgrid``, ``email_smtp`` and ``sms_twilio``.

``core.services.notify`` is the face the CLI uses.
"""
