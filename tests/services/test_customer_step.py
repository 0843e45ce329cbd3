"""F2's database side (services/customers/customer_step.py): the store's method of input, the
list it shows, and what a number typed on the num pad matches."""

from __future__ import annotations

import pytest

from pos_tui.services.customers.customer_step import (
    CustomerStep,
    NumberMatch,
    customer_by_number,
    customer_step,
)
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.lane_devices import SETTING_METHOD_OF_INPUT
from tests.catalog import Store, build_store


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def test_the_keyboard_unless_the_store_says_otherwise(backend: Backend, store: Store) -> None:
    assert customer_step(backend) == CustomerStep("keyboard")
    backend.store.set_setting(SETTING_METHOD_OF_INPUT, "telepathy")
    assert customer_step(backend) == CustomerStep("keyboard")
    for method in ("num_pad", "smart_card"):
        backend.store.set_setting(SETTING_METHOD_OF_INPUT, method)
        assert customer_step(backend) == CustomerStep(method)


def test_the_list_method_brings_its_customers_by_name(backend: Backend, store: Store) -> None:
    backend.store.set_setting(SETTING_METHOD_OF_INPUT, " List ")
    step = customer_step(backend)
    assert step.method == "list"
    names = [row.first_name or row.company_name for row in step.listed]
    assert "Anna" in names and "Bob" in names
    assert all(row.active for row in step.listed)


def test_a_number_names_one_customer_several_or_none(backend: Backend, store: Store) -> None:
    assert customer_by_number(backend, "9876543210") == NumberMatch(customer_id=store.anna)
    assert customer_by_number(backend, "4000001") == NumberMatch(customer_id=store.anna)
    assert customer_by_number(backend, "5550000") == NumberMatch()
    service = CustomerService(backend)
    for name in ("7 Seas Trading", "7 Hills Stores"):
        service.create({"is_company": True, "company_name": name})
    assert customer_by_number(backend, "7") == NumberMatch(several=True)


def test_a_number_too_long_to_be_one_is_refused(backend: Backend, store: Store) -> None:
    with pytest.raises(FieldError):
        customer_by_number(backend, "9" * 500)
