"""The SDK models the contract tests check against, re-exported for mypy strict.

``kalshi_python_sync`` exports its models only implicitly; importing each from its own module
keeps the tests type-checked without loosening the project's mypy settings.
"""

from __future__ import annotations

from kalshi_python_sync.configuration import Configuration
from kalshi_python_sync.models.amend_order_v2_response import (
    AmendOrderV2Response,
)
from kalshi_python_sync.models.batch_cancel_orders_v2_response import BatchCancelOrdersV2Response
from kalshi_python_sync.models.batch_create_orders_v2_response import (
    BatchCreateOrdersV2Response,
)
from kalshi_python_sync.models.book_side import BookSide
from kalshi_python_sync.models.cancel_order_v2_response import (
    CancelOrderV2Response,
)
from kalshi_python_sync.models.create_order_group_response import (
    CreateOrderGroupResponse,
)
from kalshi_python_sync.models.create_order_v2_request import (
    CreateOrderV2Request,
)
from kalshi_python_sync.models.create_order_v2_response import (
    CreateOrderV2Response,
)
from kalshi_python_sync.models.decrease_order_v2_response import (
    DecreaseOrderV2Response,
)
from kalshi_python_sync.models.exchange_status import ExchangeStatus
from kalshi_python_sync.models.fee_type import FeeType
from kalshi_python_sync.models.fill import Fill
from kalshi_python_sync.models.get_account_api_limits_response import GetAccountApiLimitsResponse
from kalshi_python_sync.models.get_balance_response import GetBalanceResponse
from kalshi_python_sync.models.get_event_response import GetEventResponse
from kalshi_python_sync.models.get_events_response import GetEventsResponse
from kalshi_python_sync.models.get_fills_response import GetFillsResponse
from kalshi_python_sync.models.get_market_orderbook_response import (
    GetMarketOrderbookResponse,
)
from kalshi_python_sync.models.get_market_orderbooks_response import GetMarketOrderbooksResponse
from kalshi_python_sync.models.get_markets_response import GetMarketsResponse
from kalshi_python_sync.models.get_order_group_response import (
    GetOrderGroupResponse,
)
from kalshi_python_sync.models.get_order_groups_response import GetOrderGroupsResponse
from kalshi_python_sync.models.get_order_queue_positions_response import (
    GetOrderQueuePositionsResponse,
)
from kalshi_python_sync.models.get_orders_response import GetOrdersResponse
from kalshi_python_sync.models.get_positions_response import (
    GetPositionsResponse,
)
from kalshi_python_sync.models.get_series_list_response import (
    GetSeriesListResponse,
)
from kalshi_python_sync.models.get_trades_response import GetTradesResponse
from kalshi_python_sync.models.market import Market
from kalshi_python_sync.models.order import Order
from kalshi_python_sync.models.order_status import OrderStatus
from kalshi_python_sync.models.self_trade_prevention_type import (
    SelfTradePreventionType,
)

__all__ = [
    "AmendOrderV2Response",
    "BatchCancelOrdersV2Response",
    "BatchCreateOrdersV2Response",
    "BookSide",
    "CancelOrderV2Response",
    "Configuration",
    "CreateOrderGroupResponse",
    "CreateOrderV2Request",
    "CreateOrderV2Response",
    "DecreaseOrderV2Response",
    "ExchangeStatus",
    "FeeType",
    "Fill",
    "GetAccountApiLimitsResponse",
    "GetBalanceResponse",
    "GetEventResponse",
    "GetEventsResponse",
    "GetFillsResponse",
    "GetMarketOrderbookResponse",
    "GetMarketOrderbooksResponse",
    "GetMarketsResponse",
    "GetOrderGroupResponse",
    "GetOrderGroupsResponse",
    "GetOrderQueuePositionsResponse",
    "GetOrdersResponse",
    "GetPositionsResponse",
    "GetSeriesListResponse",
    "GetTradesResponse",
    "Market",
    "Order",
    "OrderStatus",
    "SelfTradePreventionType",
    "annotations",
]
