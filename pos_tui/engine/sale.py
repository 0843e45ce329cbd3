"""The one entry point: :func:`price_sale` prices a whole sale (or return), with its explanation.

Order of application (each step works on what the previous one left; ``docs/engine.md``):

1. Line checks: inactive items and sub-groups restricted for the card type are refused (sales).
2. Unit price (:mod:`pricing`): override, forced level, price list, level, regular, promotion.
3. ``gross`` = unit price x quantity, rounded to the minor unit.
4. Manual line discount, within the giver's limit (:func:`discounts.manual_discount`).
5. Customer automatic % and card type % on discount-eligible lines (combined by
   ``Settings.percent_combination``).
6. Automatic transaction discounts on the discount-eligible lines' net, spread over them.
7. Manual transaction discount on every line's net, spread over the lines.
8. Tax on each line's discounted net (:mod:`tax`).
9. Redemption of points against the amount due (:mod:`redemption`).
10. Points earned on the points-eligible lines' net (:mod:`loyalty`), referral points; a return
    reverses the original sale's points in proportion.
11. The receivable check of a charge request (:mod:`credit`).

A forced-price-level customer skips the promotion (2) and steps 5-6; manual discounts (4, 7) are
refused for them unless ``Settings.forced_allows_manual_discounts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pos_tui.engine.credit import check_charge
from pos_tui.engine.discounts import Discount, manual_discount, percent_discounts
from pos_tui.engine.discounts import transaction_discounts as auto_transaction_discounts
from pos_tui.engine.loyalty import (
    earn_points,
    multiplier_active,
    referral_points,
    reverse_earned,
    reverse_points,
)
from pos_tui.engine.models import (
    AppliedDiscount,
    Basket,
    BasketLine,
    CardType,
    ChargeDecision,
    ChargeRequest,
    Customer,
    CustomerAccount,
    ManualDiscount,
    PointsEarned,
    PricedLine,
    PricedSale,
    PriceList,
    Redemption,
    RedemptionRequest,
    ReferralPoints,
    Refusal,
    Rule,
    SaleTax,
    TaxClass,
    TaxMode,
    Totals,
)
from pos_tui.engine.money import ZERO, allocate, quantum, round_money
from pos_tui.engine.pricing import UnitPrice, is_forced, unit_price
from pos_tui.engine.redemption import redeem
from pos_tui.engine.restrictions import line_refusals
from pos_tui.engine.settings import Settings
from pos_tui.engine.tax import exact_line_taxes, round_taxes


@dataclass(slots=True)
class _Line:
    """Mutable working state of one line while the sale is priced (never leaves this module)."""

    line: BasketLine
    price: UnitPrice
    gross: Decimal
    left: Decimal
    rules: list[Rule] = field(default_factory=list)

    def take(self, amount: Decimal, rule: Rule) -> None:
        # Defensive: the discount functions already cap at what is left.
        assert ZERO <= amount <= self.left, "a discount never exceeds the price"
        self.left -= amount
        self.rules.append(rule)


def _check_inputs(
    customer: Customer | None,
    card_type: CardType | None,
    price_list: PriceList | None,
    moment: dt.datetime,
) -> None:
    if not isinstance(moment, dt.datetime):
        raise TypeError("moment must be a datetime.datetime")
    if customer is None:
        if price_list is not None:
            raise ValueError("a price list needs a customer")
        return
    if card_type is not None and customer.card_type_id not in (None, card_type.id):
        raise ValueError(
            f"card type {card_type.id} is not the customer's card type {customer.card_type_id}"
        )
    if price_list is not None and customer.price_list_id != price_list.id:
        raise ValueError(
            f"price list {price_list.id} is not the customer's price list {customer.price_list_id}"
        )


def _spread(
    discount: Discount,
    lines: list[_Line],
    settings: Settings,
    code: str,
) -> None:
    """Spread a whole-sale discount over ``lines`` in proportion to what each has left."""
    shares = allocate(discount.amount, [w.left for w in lines], quantum(settings.minor_unit))
    for w, share in zip(lines, shares, strict=True):
        if share:
            w.take(
                share,
                Rule(
                    code, f"Share of {discount.description}", amount=share, line_no=w.line.line_no
                ),
            )


def moment_key(card_type: CardType | None, moment: dt.datetime) -> tuple[dt.date, bool]:
    """All that :func:`price_sale` reads of ``moment`` for a customer holding ``card_type``: the
    date (prices, occasions, due dates) and whether the card type's point multiplier applies
    (weekday and time of day). Two moments with equal keys price any basket alike, so a price
    made at one still holds at the other. Keep it in step with every use of ``moment`` here."""
    return moment.date(), card_type is not None and multiplier_active(card_type, moment)


def price_sale(
    basket: Basket,
    customer: Customer | None,
    card_type: CardType | None,
    settings: Settings,
    moment: dt.datetime,
    *,
    account: CustomerAccount | None = None,
    price_list: PriceList | None = None,
    tax_classes: Mapping[int, TaxClass] | None = None,
    redemption: RedemptionRequest | None = None,
    charge: ChargeRequest | None = None,
) -> PricedSale:
    """Price ``basket`` for ``customer`` (None: walk-in) holding ``card_type`` at ``moment``.

    ``account``: the customer's balances, exempt tax codes and automatic transaction discounts;
    ``price_list``: the customer's default price list; ``tax_classes``: tax class id -> class for
    every item's ``tax_class_id``; ``redemption``: pay with points; ``charge``: a receivable
    tender to check. Pure: the same inputs always give the same :class:`PricedSale`.
    """
    _check_inputs(customer, card_type, price_list, moment)
    account = account or CustomerAccount()
    tax_classes = tax_classes or {}
    places, mode = settings.minor_unit, settings.rounding
    forced = is_forced(customer)

    def money(amount: Decimal) -> Decimal:
        # Amounts here are sums of minor-unit amounts already; quantizing only fixes the
        # exponent so that an empty sum prints "0.00" like every other amount.
        return round_money(amount, places, mode)

    is_sale = basket.kind == "sale"
    refusals: list[Refusal] = []
    discounts: list[AppliedDiscount] = []
    sale_rules: list[Rule] = []

    if customer is not None and not customer.active:
        refusals.append(Refusal("CUSTOMER_INACTIVE", f"{customer.display_name} is inactive"))

    # Steps 1-4: line checks, unit price, gross, manual line discount.
    work: list[_Line] = []
    for line in basket.lines:
        if is_sale:
            refused = line_refusals(line.item, card_type, line.line_no)
            if refused:
                refusals.extend(refused)
                continue
        price = unit_price(
            line.item,
            customer,
            price_list,
            settings,
            moment.date(),
            line_no=line.line_no,
            price_override=line.price_override,
        )
        gross = round_money(price.price * line.quantity, places, mode)
        w = _Line(line, price, gross, gross, list(price.rules))
        work.append(w)
        if line.manual_discount is not None:
            outcome = manual_discount(
                gross, line.manual_discount, settings, forced=forced, line_no=line.line_no
            )
            refusals.extend(outcome.refusals)
            w.rules.extend(outcome.rules[:-1] if outcome.amount else outcome.rules)
            if outcome.amount:
                w.take(outcome.amount, outcome.rules[-1])
                discounts.append(
                    AppliedDiscount(
                        "manual_line", outcome.rules[-1].description, outcome.amount, line.line_no
                    )
                )

    # Step 5: customer automatic % and card type %.
    cust_pct = customer.auto_discount_percent if customer is not None else ZERO
    card_pct = card_type.discount_percent if card_type is not None else ZERO
    card_name = card_type.name if card_type is not None else ""
    if (cust_pct > 0 or card_pct > 0) and not forced:
        for w in work:
            if not w.line.item.discount_eligible:
                w.rules.append(
                    Rule(
                        "NOT_DISCOUNT_ELIGIBLE",
                        f"{w.line.item.name} takes no automatic discounts",
                        line_no=w.line.line_no,
                    )
                )
                continue
            for d in percent_discounts(w.left, cust_pct, card_pct, card_name, settings):
                if d.amount:
                    w.take(
                        d.amount,
                        Rule(
                            d.kind.upper() + "_DISCOUNT",
                            d.description,
                            amount=d.amount,
                            line_no=w.line.line_no,
                        ),
                    )
                    discounts.append(
                        AppliedDiscount(d.kind, d.description, d.amount, w.line.line_no)
                    )
    elif forced and (cust_pct > 0 or card_pct > 0):
        sale_rules.append(
            Rule(
                "FORCED_NO_AUTOMATIC_DISCOUNT",
                "Forced price level: automatic and card discounts do not apply",
            )
        )

    # Step 6: automatic transaction discounts (customer list).
    if customer is not None and account.transaction_discounts:
        if forced:
            sale_rules.append(
                Rule(
                    "FORCED_NO_TRANSACTION_DISCOUNT",
                    "Forced price level: automatic transaction discounts do not apply",
                )
            )
        else:
            eligible = [w for w in work if w.line.item.discount_eligible]
            subtotal = sum((w.left for w in work), ZERO)
            base = sum((w.left for w in eligible), ZERO)
            found, rules = auto_transaction_discounts(
                base, subtotal, account.transaction_discounts, settings
            )
            sale_rules.extend(rules)
            for d in found:
                if not d.amount:
                    continue
                sale_rules.append(Rule("TRANSACTION_DISCOUNT", d.description, amount=d.amount))
                discounts.append(AppliedDiscount(d.kind, d.description, d.amount))
                _spread(d, eligible, settings, "TRANSACTION_DISCOUNT_SHARE")

    # Step 7: manual transaction discount.
    if basket.manual_discount is not None:
        _manual_transaction(
            basket.manual_discount, work, settings, forced, refusals, discounts, sale_rules
        )

    # Step 8: tax.
    nets = [w.left for w in work]
    exempt_all = customer.tax_exempt if customer is not None else False
    exempt_codes = account.exempt_tax_codes if customer is not None else frozenset()
    exact = []
    for w in work:
        class_id = w.line.item.tax_class_id
        if class_id is not None and class_id not in tax_classes:
            raise ValueError(f"tax class {class_id} of item {w.line.item.sku} was not given")
        tax_class = tax_classes.get(class_id) if class_id is not None else None
        exact.append(exact_line_taxes(w.left, tax_class, exempt_all, exempt_codes, settings))
    rounded = round_taxes(nets, exact, settings)
    if exempt_all and any(exact):
        sale_rules.append(Rule("TAX_EXEMPT", "Customer is tax exempt: no tax charged"))

    lines: list[PricedLine] = []
    tax_totals: dict[str, list[Decimal]] = {}
    tax_info: dict[str, tuple[str, Decimal, TaxMode]] = {}
    for w, ex, rt in zip(work, exact, rounded, strict=True):
        for t_exact, t in zip(ex, rt.taxes, strict=True):
            if t.exempt:
                removed = " (taken out of the price)" if t_exact.removed else ""
                w.rules.append(
                    Rule(
                        "TAX_EXEMPT",
                        f"Exempt from {t.tax_code} {t.rate_percent}%{removed}",
                        line_no=w.line.line_no,
                    )
                )
                continue
            w.rules.append(
                Rule(
                    "TAX",
                    f"{t.tax_code} {t.rate_percent}% {t.mode} on {t.taxable}",
                    amount=t.amount,
                    line_no=w.line.line_no,
                )
            )
            sums = tax_totals.setdefault(t.tax_code, [ZERO, ZERO])
            sums[0] += t.taxable
            sums[1] += t.amount
            tax_info[t.tax_code] = (t_exact.tax.name, t.rate_percent, t.mode)
        if rt.removed:
            w.rules.append(
                Rule(
                    "TAX_EXEMPT_REDUCTION",
                    f"Inclusive tax {rt.removed} taken out of the price (exempt customer)",
                    amount=rt.removed,
                    line_no=w.line.line_no,
                )
            )
        item = w.line.item
        lines.append(
            PricedLine(
                line_no=w.line.line_no,
                item_id=item.id,
                sku=item.sku,
                description=item.name,
                quantity=w.line.quantity,
                unit_price=w.price.price,
                price_source=w.price.source,
                gross=w.gross,
                discount=w.gross - w.left,
                net=w.left,
                exempt_reduction=money(rt.removed),
                exclusive_tax=money(rt.exclusive),
                inclusive_tax=money(rt.inclusive),
                tax=money(rt.exclusive + rt.inclusive),
                total=money(w.left - rt.removed + rt.exclusive),
                points_eligible=item.points_eligible,
                discount_eligible=item.discount_eligible,
                taxes=rt.taxes,
                rules=tuple(w.rules),
            )
        )
    taxes = tuple(
        SaleTax(code, tax_info[code][0], tax_info[code][1], tax_info[code][2], s[0], s[1])
        for code, s in tax_totals.items()
    )

    subtotal = sum((p.gross for p in lines), ZERO)
    discount_total = sum((p.discount for p in lines), ZERO)
    net_total = sum((p.net for p in lines), ZERO)
    removed_total = sum((p.exempt_reduction for p in lines), ZERO)
    exclusive_total = sum((p.exclusive_tax for p in lines), ZERO)
    inclusive_total = sum((p.inclusive_tax for p in lines), ZERO)
    total = sum((p.total for p in lines), ZERO)

    # Step 9: redemption.
    redeemed = ZERO
    redemption_result: Redemption | None = None
    if redemption is not None:
        if not is_sale:
            refusals.append(
                Refusal("REDEMPTION_ON_RETURN", "Points cannot be redeemed on a return")
            )
        elif customer is None:
            refusals.append(Refusal("REDEMPTION_NO_CUSTOMER", "Points need a customer"))
        else:
            redemption_result = redeem(
                card_type, account.points_balance, total, redemption, settings
            )
            refusals.extend(redemption_result.refusals)
            sale_rules.extend(redemption_result.rules)
            redeemed = redemption_result.currency_value

    # Step 10: points.
    points: PointsEarned | None = None
    referral: ReferralPoints | None = None
    if customer is not None and card_type is not None:
        base_value = sum(
            (
                p.net
                - p.exempt_reduction
                + (p.exclusive_tax if settings.points_include_exclusive_tax else ZERO)
                for p in lines
                if p.points_eligible
            ),
            ZERO,
        )
        if not settings.earn_on_redeemed and redeemed:
            sale_rules.append(
                Rule(
                    "POINTS_BASE_LESS_REDEEMED",
                    f"No points on the {redeemed} paid with points",
                    amount=-min(redeemed, base_value),
                )
            )
            base_value = max(ZERO, base_value - redeemed)
        if is_sale:
            points = earn_points(card_type, customer, base_value, moment, settings)
            referral = referral_points(card_type, customer, base_value, settings)
        elif basket.return_of is not None:
            points = reverse_earned(basket.return_of, base_value, settings)
            if customer.link_customer_id is not None and basket.return_of.referral_points:
                back = reverse_points(
                    basket.return_of.referral_points,
                    basket.return_of.points_base,
                    base_value,
                    settings,
                )
                referral = ReferralPoints(
                    customer.link_customer_id,
                    back,
                    base_value,
                    (
                        Rule(
                            "REFERRAL_REVERSED",
                            f"Return reverses {-back} referral points of link customer "
                            f"{customer.link_customer_id}",
                            points=back,
                        ),
                    ),
                )
        else:
            sale_rules.append(
                Rule("POINTS_RETURN_UNLINKED", "Return without its original sale: no points")
            )
        if points is not None:
            sale_rules.extend(points.rules)
        if referral is not None:
            sale_rules.extend(referral.rules)

    # Step 11: receivable check.
    amount_due = total - redeemed
    decision: ChargeDecision | None = None
    if charge is not None:
        if customer is None:
            refusals.append(
                Refusal("CHARGE_NO_CUSTOMER", "Charging to an account needs a customer")
            )
        else:
            amount = charge.amount if charge.amount is not None else amount_due
            decision = check_charge(customer, account, charge, amount, settings, moment.date())
            refusals.extend(decision.refusals)
            sale_rules.extend(decision.rules)

    explanation = tuple(r for p in lines for r in p.rules) + tuple(sale_rules)
    return PricedSale(
        kind=basket.kind,
        moment=moment,
        customer_id=customer.id if customer is not None else None,
        card_type_id=card_type.id if card_type is not None else None,
        lines=tuple(lines),
        discounts=tuple(discounts),
        taxes=taxes,
        totals=Totals(
            subtotal=money(subtotal),
            discount_total=money(discount_total),
            net_total=money(net_total),
            exempt_reduction_total=money(removed_total),
            exclusive_tax_total=money(exclusive_total),
            inclusive_tax_total=money(inclusive_total),
            tax_total=money(exclusive_total + inclusive_total),
            total=money(total),
            redeemed=money(redeemed),
            amount_due=money(amount_due),
        ),
        points=points,
        referral=referral,
        redemption=redemption_result,
        charge=decision,
        refusals=tuple(refusals),
        explanation=explanation,
    )


def _manual_transaction(
    request: ManualDiscount,
    work: list[_Line],
    settings: Settings,
    forced: bool,
    refusals: list[Refusal],
    discounts: list[AppliedDiscount],
    sale_rules: list[Rule],
) -> None:
    """Step 7: a cashier's discount on the whole sale, spread over every line."""
    base = sum((w.left for w in work), ZERO)
    outcome = manual_discount(base, request, settings, forced=forced, line_no=None)
    refusals.extend(outcome.refusals)
    sale_rules.extend(outcome.rules)
    if outcome.amount:
        description = outcome.rules[-1].description
        discounts.append(AppliedDiscount("manual_transaction", description, outcome.amount))
        _spread(
            Discount("manual_transaction", description, outcome.amount),
            work,
            settings,
            "MANUAL_TRANSACTION_SHARE",
        )
