"""A sale at the lane: the cart, pricing inputs, tenders, returns, recording, receipts and printing."""
