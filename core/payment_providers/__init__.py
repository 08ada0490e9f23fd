"""Ways to pay, behind one PaymentProvider protocol."""
