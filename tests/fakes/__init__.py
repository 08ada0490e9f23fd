"""Small stand-ins for the payment and messaging services, served on 127.0.0.1.

They keep state like the real services for the endpoints Marquee uses and
record every request, so tests can check what the official SDKs sent."""
