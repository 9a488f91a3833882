import pytest

from xxgk.parsers.labels import (
    match_t3_group,
    match_t3_header,
    match_t3_row,
    split_numbering,
)


@pytest.mark.parametrize(
    ("label", "group", "key"),
    [
        ("一、本年新收政府信息公开申请数量", None, "new_requests"),
        ("本年新收政府信息公开申请数量", None, "new_requests"),
        ("二、上年结转政府信息公开申请数量", None, "carried_over"),
        ("(一) 予以公开", None, "granted"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, "partially_granted"),
        ("(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)", None, "partially_granted"),
        ("1. 属于国家秘密", "（三）不予公开", "denied_state_secret"),
        ("2.其他法律行政法规禁止公开", None, "denied_prohibited_by_law"),
        ("3.危及“三安全一稳定”", None, "denied_three_safeties_one_stability"),
        ("3、危及\"三安全一稳定\"", None, "denied_three_safeties_one_stability"),
        ("4．保护第三方合法权益", None, "denied_third_party_rights"),
        ("5.属于三类内部事务信息", None, "denied_internal_affairs"),
        ("6.属于四类过程性信息", None, "denied_process_info"),
        ("7.属于行政执法案卷", None, "denied_enforcement_file"),
        ("8.属于行政查询事项", None, "denied_admin_query"),
        ("1.本机关不掌握相关政府信息", None, "unable_not_held"),
        ("2.没有现成信息需要另行制作", None, "unable_needs_creation"),
        ("3.补正后申请内容仍不明确", None, "unable_unclear_after_correction"),
        ("1.信访举报投诉类申请", None, "not_processed_petition_complaint"),
        ("2.重复申请", "（五）不予处理", "not_processed_duplicate"),
        ("3.要求提供公开出版物", None, "not_processed_publication"),
        ("4.无正当理由大量反复 申请", None, "not_processed_excessive"),
        ("5.要求行政机关确认或重新出具已获取信息", None, "not_processed_confirmation"),
        ("(六) 其他处理", None, "other_handling"),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", None, "other_no_correction"),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", None, "other_fee_unpaid"),
        ("3.其他", None, "other_misc"),
        ("3. 其他", None, "other_misc"),
        ("其他", "（六）其他处理", "other_misc"),
        ("(七) 总计", None, "total_processed"),
        ("（七）总计", None, "total_processed"),
        ("四、结转下年度继续办理", None, "carried_forward"),
        ("本年新收政府信息公開申請數量", None, "new_requests"),  # Traditional characters
        ("1.屬於國家祕密", None, "denied_state_secret"),
    ],
)
def test_t3_rows(label: str, group: str | None, key: str) -> None:
    match = match_t3_row(label, group)
    assert match is not None and match.key == key


@pytest.mark.parametrize(
    ("label", "score_below"),
    [("2.其他法律行政止公开", 1.0)],  # a published typo: matched, but visibly not exact
)
def test_t3_typo_keeps_a_lower_score(label: str, score_below: float) -> None:
    match = match_t3_row(label)
    assert match is not None and match.key == "denied_prohibited_by_law"
    assert match.score < score_below


@pytest.mark.parametrize("label", ["信息内容", "申请人情况", "自然人", "商业企业", "法人或其他组织", "三、本年度办理结果", "(三)不予公开", "1."])
def test_not_a_t3_row(label: str) -> None:
    assert match_t3_row(label) is None


@pytest.mark.parametrize(
    ("label", "group"),
    [("三、本年度办理结果", "results"), ("(三) 不予公开", "（三）不予公开"), ("（四）无法提供", "（四）无法提供"), ("(五)不予处理", "（五）不予处理")],
)
def test_t3_groups(label: str, group: str) -> None:
    assert match_t3_group(label) == group


@pytest.mark.parametrize(
    ("text", "key"),
    [("自然人", "natural_person"), ("商业 企业", "commercial_enterprise"), ("科研\n机构", "research_institution"),
     ("社会公益组织", "social_welfare_org"), ("法律服务机构", "legal_service_org"), ("其他", "other_org"), ("总计", "total")],
)
def test_t3_headers(text: str, key: str) -> None:
    assert match_t3_header(text) == key


@pytest.mark.parametrize(
    ("label", "style", "number", "rest"),
    [("一、总体情况", "top", "一", "总体情况"), ("（三）不予公开", "paren", "三", "不予公开"), ("(三) 不予公开", "paren", "三", "不予公开"),
     ("1.属于国家秘密", "arabic", "1", "属于国家秘密"), ("1、属于", "arabic", "1", "属于"), ("2．重复申请", "arabic", "2", "重复申请"),
     ("规章", "", "", "规章")],
)
def test_numbering(label: str, style: str, number: str, rest: str) -> None:
    numbering, body = split_numbering(label)
    assert (numbering.style, numbering.number, body.strip()) == (style, number, rest)
