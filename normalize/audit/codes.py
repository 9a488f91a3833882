"""Every finding code the audit shows, with its defect number and the area a supervisor reads it under.

Parse-time codes keep their names in findings.csv (T3-BAL stays T3-BAL, so scripts written against
`xxgk parse` keep working); the defect catalogue's D-number and the area are added beside them
(findings.csv columns ``defect``/``area``, the badges of audit.html). Audit checks use the D-code itself
as their code, except the two cross-year and the narrative checks, which the spec names X-YEAR-T3,
X-YEAR-T2 and X-TEXT.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeInfo:
    defect: str  # D1 … D22 of report-format.md, "" for reading problems
    area: str  # the badge: 完整性, 表格勾稽 …
    title: str  # what the code means, in a supervisor's words


AREAS = ("完整性", "规范性", "表格勾稽", "数值合理性", "跨年衔接", "文字与表格一致", "时效", "雷同", "报送", "读取")

CODES: dict[str, CodeInfo] = {
    "D1": CodeInfo("D1", "规范性", "表格格式与报告年度不符"),
    "T3-BAL": CodeInfo("D2", "表格勾稽", "表三 一+二≠三（七）总计+四"),
    "T3-COLSUM": CodeInfo("D3", "表格勾稽", "表三 总计≠六类申请人之和"),
    "T3-ROWSUM": CodeInfo("D4", "表格勾稽", "表三（七）总计≠（一）至（六）之和"),
    "T4-SUM": CodeInfo("D5", "表格勾稽", "表四 总计≠各结果之和"),
    "X-YEAR-T3": CodeInfo("D6", "跨年衔接", "上年结转≠上一年报告的结转下年度"),
    "X-YEAR-T2": CodeInfo("D6", "跨年衔接", "现行有效件数与上一年不衔接"),
    "X-TEXT": CodeInfo("D7", "文字与表格一致", "正文数字与表格或前后文不一致"),
    "D8": CodeInfo("D8", "完整性", "缺少规定的部分"),
    "D9": CodeInfo("D9", "完整性", "总体情况缺少规定内容"),
    "D9b": CodeInfo("D9b", "完整性", "表格仅为图片或附件，无法核验"),
    "D10": CodeInfo("D10", "规范性", "表格单元格空白或非数字"),
    "D11": CodeInfo("D11", "规范性", "表格标签与标准不一致"),
    "D12": CodeInfo("D12", "数值合理性", "数值不合理"),
    "T3-INT": CodeInfo("D12", "数值合理性", "表三数值不是非负整数"),
    "T4-INT": CodeInfo("D12", "数值合理性", "表四数值不是非负整数"),
    "D13": CodeInfo("D13", "完整性", "未报告信息处理费收取情况"),
    "D14": CodeInfo("D14", "时效", "发布晚于法定期限"),
    "D15": CodeInfo("D15", "雷同", "正文与上年或其他机关报告雷同"),
    "X-VERSION": CodeInfo("D16", "报送", "同一机关同一年度的报告有多个不同版本"),
    "X-COPY": CodeInfo("D16", "报送", "同一文件以不同名称重复出现"),
    "X-MISSING": CodeInfo("D18", "报送", "应报未报：名单上的机关没有该年度的报告"),
    "D17": CodeInfo("D17", "规范性", "统计期限或标题年度与报告年度不符"),
    "D19": CodeInfo("D19", "完整性", "未说明上年度问题的整改情况"),
    "D21": CodeInfo("D21", "时效", "日期不可能"),
    "D22": CodeInfo("D22", "完整性", "声明的报告结构与实际不符"),
}

_READING = CodeInfo("", "读取", "读取问题（文件或解析），不是报告本身的问题")


def code_info(code: str) -> CodeInfo:
    """P-* and reader warnings are reading problems; anything unknown is shown under 读取 too."""
    return CODES.get(code, _READING)


def is_reading(code: str) -> bool:
    """A problem of our reading (of the copy or the parser), never a defect of the report: P-* codes and
    the readers' warnings. Counted and shown apart, never towards a body's defects or --fail-on."""
    return code not in CODES
