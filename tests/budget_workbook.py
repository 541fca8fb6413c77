"""A workbook as a budget system exports project target declarations
(项目支出绩效目标申报表): one project per sheet, for the readers' and the
extraction's tests.

Each sheet has what such exports have: a title, an identification block
(项目名称, 主管部门, 实施单位, 项目属性), a funds block (年度资金总额 and
其中 lines), the year's target, and the target table with 一级指标 /
二级指标 / 三级指标 / 指标值 and the explanation columns 指标解释 and
评(扣)分标准 and 备注. In the table, besides the real indicators, are what
is never an indicator: rows whose value is 不适用, category-only rows (a
一级 or 二级 name with nothing under it), and the template's note
(备注：作为导入模板…). The year is 2023 in every sheet's 年度 field and
title, and one sheet's 填报日期 cell has a typo year (2013).

    from budget_workbook import budget_workbook
    book = budget_workbook(tmp_path / "targets.xlsx")   # 20 sheets
    book.projects[0].indicators                          # what must be read, per sheet
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

YEAR = 2023
TYPO_YEAR = 2013
NOTE = "备注：作为导入模板，请勿修改表头及单元格格式；“不适用”的指标无需填写指标值，系统导入时自动忽略。"
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "指标解释", "评(扣)分标准", "备注"]

# (name, 主管部门, 实施单位, the project's own indicators: (一级, 二级, 三级, 指标值))
_PROJECTS = [
    ("街道环境卫生保洁服务", "广州市黄埔区人民政府文冲街道办事处", "文冲街道综合行政执法队", "保洁面积", "≥120万平方米", "道路保洁合格率", "≥95%"),
    ("社区居家养老服务", "广州市黄埔区人民政府文冲街道办事处", "文冲街道公共服务办公室", "服务长者人次", "≥5000人次", "服务对象满意度", "≥90%"),
    ("生活垃圾分类督导", "广州市黄埔区人民政府夏港街道办事处", "夏港街道城市管理办公室", "督导投放点数量", "≥80个", "分类准确率", "≥85%"),
    ("出租屋安全隐患排查", "广州市黄埔区人民政府夏港街道办事处", "夏港街道综合治理办公室", "排查出租屋栋数", "≥3000栋", "隐患整改率", "100%"),
    ("网格化服务管理", "广州市海珠区人民政府南洲街道办事处", "南洲街道综合治理办公室", "网格员配备人数", "≥60人", "网格事件办结率", "≥98%"),
    ("残疾人就业帮扶", "广州市海珠区人民政府南洲街道办事处", "南洲街道公共服务办公室", "帮扶残疾人人数", "≥40人", "帮扶对象满意度", "≥90%"),
    ("河涌日常管养", "广州市增城区人民政府荔城街道办事处", "荔城街道规划建设办公室", "管养河涌长度", "≥25公里", "水质达标率", "≥90%"),
    ("违法建设治理", "广州市增城区人民政府荔城街道办事处", "荔城街道综合行政执法办公室", "拆除违法建设面积", "≥20万平方米", "新增违建查处率", "100%"),
    ("社区文化活动", "广州市增城区人民政府荔城街道办事处", "荔城街道党群服务中心", "举办文化活动场次", "≥48场", "居民参与满意度", "≥90%"),
    ("安全生产检查", "广州市黄埔区人民政府文冲街道办事处", "文冲街道应急管理办公室", "检查企业家数", "≥600家", "隐患整改完成率", "≥95%"),
    ("疫苗接种组织", "广州市黄埔区人民政府文冲街道办事处", "文冲街道社区卫生服务中心", "组织接种人次", "≥20000人次", "接种信息录入准确率", "100%"),
    ("退役军人服务保障", "广州市黄埔区人民政府夏港街道办事处", "夏港街道退役军人服务站", "走访慰问人次", "≥300人次", "优抚资金发放准确率", "100%"),
    ("城市道路绿化管养", "广州市黄埔区人民政府夏港街道办事处", "夏港街道城市管理办公室", "管养绿地面积", "≥15万平方米", "绿化养护达标率", "≥95%"),
    ("人民调解服务", "广州市海珠区人民政府南洲街道办事处", "南洲街道司法所", "调解纠纷宗数", "≥200宗", "调解成功率", "≥90%"),
    ("长者饭堂运营补贴", "广州市海珠区人民政府南洲街道办事处", "南洲街道公共服务办公室", "助餐服务人次", "≥30000人次", "长者满意度", "≥90%"),
    ("燃气安全专项整治", "广州市增城区人民政府荔城街道办事处", "荔城街道应急管理办公室", "整治瓶装燃气用户数", "≥1500户", "隐患办结率", "≥98%"),
    ("社区党群服务站建设", "广州市增城区人民政府荔城街道办事处", "荔城街道党建工作办公室", "建成党群服务站数量", "≥5个", "验收合格率", "100%"),
    ("流动人口信息采集", "广州市黄埔区人民政府文冲街道办事处", "文冲街道来穗人员服务管理中心", "采集流动人口信息条数", "≥50000条", "信息准确率", "≥98%"),
    ("防汛应急物资储备", "广州市黄埔区人民政府夏港街道办事处", "夏港街道应急管理办公室", "储备物资种类", "≥20类", "物资完好率", "100%"),
    ("公共厕所保洁管理", "广州市海珠区人民政府南洲街道办事处", "南洲街道城市管理办公室", "管理公厕座数", "≥18座", "公厕保洁达标率", "≥95%"),
]


@dataclass
class Project:
    sheet: str
    name: str
    department: str
    unit: str
    indicators: list[str]  # the 三级指标 that are indicators, in order
    not_indicators: list[str] = field(default_factory=list)  # texts in the table that must not become indicators


@dataclass
class BudgetWorkbook:
    path: Path
    year: int
    projects: list[Project]
    typo_sheet: str  # the sheet whose 填报日期 says TYPO_YEAR


def budget_workbook(path: Path, sheets: int = 20, typo_sheet: int = 7) -> BudgetWorkbook:
    """Write the workbook to `path` (.xlsx), `sheets` projects (at most 20), and say what it holds."""
    import openpyxl
    from openpyxl.styles import Alignment

    book = openpyxl.Workbook()
    book.remove(book.active)
    projects: list[Project] = []
    for index, (name, department, unit, count_name, count_value, quality_name, quality_value) in enumerate(
            _PROJECTS[:sheets]):
        title = f"{index + 1:02d}{name}"[:31]
        sheet = book.create_sheet(title)
        rows: list[list[object]] = [
            [f"{YEAR}年度项目支出绩效目标申报表"],
            ["填报日期：" + (f"{TYPO_YEAR}年1月10日" if index == typo_sheet else f"{YEAR}年1月10日"),
             None, None, None, None, None, "单位：万元"],
            ["项目名称", name, None, "年度", f"{YEAR}", None, None],
            ["主管部门", department, None, "实施单位", unit, None, None],
            ["项目属性", "经常性项目", None, "项目期限", "1年", None, None],
            ["项目资金（万元）", "年度资金总额", 120.5 + index * 10, None, None, None, None],
            [None, "其中：财政拨款", 100.0 + index * 10, None, None, None, None],
            [None, "其他资金", 20.5, None, None, None, None],
            ["年度绩效目标", f"按期完成{name}各项工作任务，提升辖区群众满意度。", None, None, None, None, None],
            HEADER,
            ["产出指标", None, None, None, None, None, None],  # a category-only row
            ["产出指标", "数量指标", count_name, count_value, f"反映{count_name}完成情况", "完成得满分，未完成按比例扣分", None],
            ["产出指标", "质量指标", quality_name, quality_value, f"反映{quality_name}情况", "达到指标值得满分", None],
            ["产出指标", "时效指标", "不适用", "不适用", None, None, None],  # 不适用: no indicator
            ["产出指标", "成本指标", "项目成本控制", "不适用", None, None, "本项目不设成本指标"],
            ["效益指标", "经济效益指标", None, None, None, None, None],  # a category-only row
            ["效益指标", "社会效益指标", f"{name}覆盖率", "≥90%", "反映服务覆盖情况", "每低于指标值1%扣1分", None],
            ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "通过问卷调查反映群众满意程度", "90%以上得满分", None],
            [NOTE, None, None, None, None, None, None],
        ]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
        sheet.merge_cells("A1:G1")
        sheet.merge_cells("B3:C3")
        sheet.merge_cells("B4:C4")
        sheet.merge_cells("A6:A8")
        sheet.merge_cells("B9:G9")
        sheet.merge_cells(f"A{len(rows)}:G{len(rows)}")
        for r in range(6, 9):
            sheet.cell(row=r, column=3).number_format = "#,##0.00"
        sheet["A1"].alignment = Alignment(horizontal="center")
        projects.append(Project(title, name, department, unit,
                                indicators=[count_name, quality_name, f"{name}覆盖率", "群众满意度"],
                                not_indicators=["不适用", "项目成本控制", "经济效益指标", NOTE]))
    book.save(path)
    return BudgetWorkbook(path, YEAR, projects, projects[typo_sheet].sheet if typo_sheet < len(projects) else "")
