"""The steps :func:`pos_tui.engine.sale.price_sale` prices a sale in, one module each.

Each step is a pure function ``(SaleState, SaleInputs) -> SaleState`` (:mod:`.state`); the
sale's order of application is the order of :data:`pos_tui.engine.sale.STEPS`. The rules a
step applies live in the engine's rule modules (pricing, discounts, tax, loyalty, redemption,
credit): a step only decides what they apply to and records what they found.
"""
