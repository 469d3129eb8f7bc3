"""What a page says when the data lacks something it needs (``analysis.metrics.completeness``): what
cannot be shown, and how to add it. (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "gap_incidents": ("还没有事件：在「数据导入 → 事件台账」上传事件导出表。",
                      "No incidents yet: upload an incident export under Data import → Incidents."),
    "gap_deadlines": ("事件都没有处理期限：结案率按各类别的默认期限计算（设置 category_deadline_days）。导入带“处理期限”列的台账，"
                      "或在列映射中指定它，可得到准确结果。",
                      "No incident has a deadline: rates use each category's default deadline (setting "
                      "category_deadline_days). Import an export with a deadline column, or map it, for exact rates."),
    "gap_closing_times": ("事件都没有办结时间：结案率和办结用时无法计算（显示为“—”）。导入带“办结时间”列的台账，或在列映射中指定它。",
                          "No incident has a closing time: closure rates and days to close cannot be computed (shown "
                          "as “—”). Import an export with a closing-time column, or map it."),
    "gap_categories": ("事件都没有类别：按类别的统计从略。在列映射中指定“事件大类”。",
                       "No incident has a category: figures by category are left out. Map the category column."),
    "gap_handled_levels": ("已办结的事件都没有处置层级：“网格内办结占比”无法计算。在列映射中指定“处置层级”。",
                           "No closed incident says at which level it was handled: the share closed in the grid "
                           "cannot be computed. Map the handling-level column."),
    "gap_handlers": ("事件都没有处置人：按处置人的统计从略。", "No incident names its handler: figures by handler are left out."),
    "gap_buildings": ("没有楼栋名册：户数、按地址定位和楼栋调整都不可用。在「数据导入 → 楼栋与人员」导入标准地址（楼栋）。",
                      "No building register: households, placing by address and moving buildings are not available. "
                      "Import the standard addresses (buildings) under Data import → Buildings and people."),
    "gap_households": ("没有户数：每百户指标和户数标准无法计算。在楼栋名册或网格图层中加入“户数”。",
                       "No household counts: per-100-household figures and the household norm cannot be computed. "
                       "Add households to the building register or to the grid layer."),
    "gap_workers": ("没有网格员名册：人均工作量无法计算。在「数据导入 → 楼栋与人员」导入网格员。",
                    "No worker register: load per worker cannot be computed. Import the grid workers under Data "
                    "import → Buildings and people."),
    "gap_fulltime_workers": ("名册中没有专职网格员（设置 fulltime_roles 列出算作专职的岗位）：人均工作量无法计算。",
                             "The register has no full-time grid worker (setting fulltime_roles lists the roles that "
                             "count): load per worker cannot be computed."),
    "gap_volunteers": ("没有志愿者名册：志愿者和覆盖无法计算。在「数据导入 → 楼栋与人员」导入志愿者。",
                       "No volunteer register: volunteers and coverage cannot be computed. Import the volunteers "
                       "under Data import → Buildings and people."),
    "gap_volunteer_locations": ("志愿者都没有位置：步行覆盖无法计算。在志愿者名册中加入经纬度。",
                                "No volunteer has a location: walking coverage cannot be computed. Add longitude and "
                                "latitude to the volunteer register."),
    "gap_services": ("没有志愿服务记录：活跃志愿者和服务统计无法计算。在「数据导入 → 楼栋与人员」导入服务记录。",
                     "No volunteer service records: active volunteers and services cannot be counted. Import the "
                     "service records under Data import → Buildings and people."),
}
