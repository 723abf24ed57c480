"""Field lists of Smaregi POS resources, in the order the API sends them.

Answers always carry every field of a resource, ``null`` where unset, as the real API does; the state
stores only the fields it sets and these lists fill in the rest.
"""

from __future__ import annotations

PRODUCT_FIELDS: tuple[str, ...] = (
    "productId", "categoryId", "productCode", "productName", "productKana", "taxDivision",
    "productPriceDivision", "price", "customerPrice", "cost", "attribute", "description", "catchCopy", "size",
    "color", "tag", "groupCode", "url", "printReceiptProductName", "displaySequence", "salesDivision",
    "stockControlDivision", "displayFlag", "division", "productOptionGroupId", "pointNotApplicable",
    "taxFreeDivision", "supplierProductNo", "calcDiscount", "staffDiscountRate", "useCategoryReduceTax",
    "reduceTaxId", "reduceTaxPrice", "reduceTaxCustomerPrice", "appStartDateTime", "insDateTime", "updDateTime",
)  # fmt: skip

PRODUCT_WRITABLE: frozenset[str] = frozenset(PRODUCT_FIELDS) - {"productId", "insDateTime", "updDateTime"}

CATEGORY_FIELDS: tuple[str, ...] = (
    "categoryId", "categoryCode", "categoryName", "categoryAbbr", "displaySequence", "displayFlag",
    "taxDivision", "pointNotApplicable", "taxFreeDivision", "reduceTaxId", "color", "categoryGroupId",
    "parentCategoryId", "level", "tag", "insDateTime", "updDateTime",
)  # fmt: skip

CATEGORY_WRITABLE: frozenset[str] = frozenset(CATEGORY_FIELDS) - {"categoryId", "insDateTime", "updDateTime"}

STORE_FIELDS: tuple[str, ...] = (
    "storeId", "storeCode", "storeName", "storeAbbr", "printReceiptStoreName", "printStockReceiptStoreName",
    "division", "postCode", "address", "phoneNumber", "faxNumber", "mailAddress", "homepage",
    "tempTranMailAddress", "priceChangeFlag", "sellDivision", "sumProcDivision", "sumDateChangeTime",
    "sumRefColumn", "pointNotApplicable", "taxFreeDivision", "maxBundleProductCount", "maxDiscountRate",
    "carriageDisplayFlag", "terminalAdjustmentCashFlag", "terminalCheckCashFlag", "waiterAdjustmentDivision",
    "savingAutoDivision", "savingAutoPrice", "cancelSettingDivision", "roundingDivision",
    "discountRoundingDivision", "cardCompanySelectDivision", "giftReceiptValidDays", "taxLabelNormal",
    "taxLabelReduce", "pauseFlag", "displaySequence", "facePaymentUseDivision", "insDateTime", "updDateTime",
)  # fmt: skip

STOCK_FIELDS: tuple[str, ...] = ("storeId", "productId", "stockAmount", "layawayStockAmount", "updDateTime")

STOCK_CHANGE_FIELDS: tuple[str, ...] = (
    "id", "updDateTime", "targetDateTime", "productId", "storeId", "amount", "stockAmount",
    "layawayStockAmount", "stockDivision", "fromStoreId", "toStoreId", "taxDivision", "price", "cost", "memo",
    "staffId", "staffName",
)  # fmt: skip

TRANSACTION_HEAD_FIELDS: tuple[str, ...] = (
    "transactionHeadId", "transactionDateTime", "transactionHeadDivision", "cancelDivision",
    "unitNonDiscountsubtotal", "unitDiscountsubtotal", "unitStaffDiscountsubtotal", "unitBargainDiscountsubtotal",
    "subtotal", "subtotalForDiscount", "subtotalDiscountPrice", "subtotalDiscountRate", "subtotalDiscountDivision",
    "pointDiscount", "couponDiscount", "total", "taxInclude", "taxExclude", "roundingDivision", "roundingPrice",
    "cashTotal", "creditTotal", "deposit", "depositCash", "depositCredit", "change", "tipCash", "tipCredit",
    "amount", "returnAmount", "costTotal", "salesHeadDivision", "inTaxSalesTotal", "outTaxSalesTotal",
    "nonTaxSalesTotal", "nonSalesTargetTotal", "nonSalesTargetOutTaxTotal", "nonSalesTargetInTaxTotal",
    "nonSalesTargetTaxFreeTotal", "nonSalesTargetCostTotal", "nonSalesTargetAmount", "nonSalesTargetReturnAmount",
    "newPoint", "spendPoint", "point", "totalPoint", "currentMile", "earnMile", "totalMile", "adjustmentMile",
    "adjustmentMileDivision", "adjustmentMileValue", "storeId", "storeCode", "terminalId", "customerId",
    "customerCode", "terminalTranId", "terminalTranDateTime", "sumDivision", "adjustmentDateTime", "sumDate",
    "customerRank", "customerGroupId", "customerGroupId2", "customerGroupId3", "customerGroupId4",
    "customerGroupId5", "staffId", "staffCode", "staffName", "creditDivision", "paymentCount", "slipNumber",
    "cancelSlipNumber", "authNumber", "authDate", "cardCompany", "denomination", "memo", "receiptMemo",
    "carriage", "commission", "guestNumbers", "guestNumbersMale", "guestNumbersFemale", "guestNumbersUnknown",
    "enterDateTime", "taxFreeSalesDivision", "netTaxFreeGeneralTaxInclude", "netTaxFreeGeneralTaxExclude",
    "netTaxFreeConsumableTaxInclude", "netTaxFreeConsumableTaxExclude", "tags", "pointGivingDivision",
    "pointGivingUnitPrice", "pointGivingUnit", "pointSpendDivision", "mileageDivision", "mileageLabel",
    "customerPinCode", "returnSales", "disposeDivision", "disposeServerTransactionHeadId", "cancelDateTime",
    "sellDivision", "taxRate", "taxRounding", "discountRoundingDivision", "transactionUuid", "exchangeTicketNo",
    "giftReceiptValidDays", "barcode", "updDateTime",
)  # fmt: skip

TRANSACTION_DETAIL_FIELDS: tuple[str, ...] = (
    "transactionHeadId", "transactionDetailId", "parentTransactionDetailId", "transactionDetailDivision",
    "productId", "productCode", "productName", "printReceiptProductName", "color", "size", "groupCode",
    "taxDivision", "price", "salesPrice", "unitDiscountPrice", "unitDiscountRate", "unitDiscountDivision", "cost",
    "quantity", "unitNonDiscountSum", "unitDiscountSum", "unitDiscountedSum", "costSum", "categoryId",
    "categoryName", "discriminationNo", "salesDivision", "productDivision", "inventoryReservationDivision",
    "pointNotApplicable", "calcDiscount", "taxFreeDivision", "taxFreeCommodityPrice", "taxFree",
    "productBundleGroupId", "discountPriceProportional", "discountPointProportional",
    "discountCouponProportional", "taxIncludeProportional", "taxExcludeProportional", "productBundleProportional",
    "staffDiscountProportional", "bargainDiscountProportional", "roundingPriceProportional",
    "productStaffDiscountRate", "staffRank", "staffRankName", "staffDiscountRate", "staffDiscountDivision",
    "applyStaffDiscountRate", "applyStaffDiscountPrice", "bargainId", "bargainName", "bargainDivision",
    "bargainValue", "applyBargainValue", "applyBargainDiscountPrice", "taxRate", "standardTaxRate",
    "modifiedTaxRate", "reduceTaxId", "reduceTaxName", "reduceTaxRate", "reduceTaxPrice", "reduceTaxMemberPrice",
    "terminalTranDateTime",
)  # fmt: skip

TRANSACTION_SORT_KEYS: tuple[str, ...] = (
    "transactionHeadId", "transactionDateTime", "transactionHeadDivision", "storeId", "terminalId", "customerId",
    "terminalTranId", "terminalTranDateTime", "sumDate", "updDateTime",
)  # fmt: skip


def nulls(names: tuple[str, ...]) -> dict[str, None]:
    return dict.fromkeys(names)
