import pytest

from xxgk.ingest.document import Provenance
from xxgk.parsers.model import Item
from xxgk.parsers.sections import split_sections


def lines(*texts: str) -> list[Item]:
    from xxgk.parsers.items import split_line

    items = []
    for number, text in enumerate(texts, 1):
        prov = Provenance(line=number)
        items.append(Item([(c, prov) for c in split_line(text) or []], prov))
    return items


def test_six_sections_and_preamble() -> None:
    sections = split_sections(lines(
        "某县某局2024年政府信息公开工作年度报告",
        "本报告所列数据的统计期限为2024年1月1日至2024年12月31日。",
        "## 一、总体情况", "正文",
        "二、主动公开政府信息情况", "第二十条第（一）项",
        "### 三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "三、本年度办理结果",
        "四、结转下年度继续办理",
        "#### 四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "无。",
    ))
    assert [s.key for s in sections] == [
        "preamble", "overview", "active_disclosure", "requests", "review_litigation", "problems", "other",
    ]
    requests = sections[3]
    # 表三 rows numbered 一、三、四、 stay inside the section, they never open one.
    assert [item.text.split(" ")[0] for item in requests.items] == [
        "一、本年新收政府信息公开申请数量", "三、本年度办理结果", "四、结转下年度继续办理",
    ]


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况", "review_litigation"),
        ("四、政府信息公开行政复议和行政诉讼情况", "review_litigation"),
        ("五、政府信息公开工作存在的主要问题及改进情况", "problems"),
        ("五、存在问题及改进情况", "problems"),
        ("五、存在的主要问题及整改措施", "problems"),
        ("二、行政机关主动公开政府信息情况", "active_disclosure"),
        ("一. 总体情况", "overview"),
    ],
)
def test_title_variants(title: str, key: str) -> None:
    sections = split_sections(lines(title, "正文"))
    assert sections[-1].key == key


def test_out_of_order_numbering_does_not_open_a_section() -> None:
    sections = split_sections(lines("一、总体情况", "三、收到和处理政府信息公开申请情况", "二、主动公开政府信息情况"))
    assert [s.key for s in sections] == ["preamble", "overview", "requests"]
