from tests.shop.fixtures import (  # noqa: F401
    as_member,
    group_price,
    http,
    incomplete,
    other_organization,
    private_pack,
)
